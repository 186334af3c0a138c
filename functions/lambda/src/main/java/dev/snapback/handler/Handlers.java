package dev.snapback.handler;

import dev.snapback.model.Family;

/** Each function's entry point, as the stack writes it in the function's handler setting. */
public final class Handlers {

    private Handlers() {
    }

    /** A new family does not compile until it has a handler here. */
    public static Class<? extends FamilyHandler> of(Family family) {
        return switch (family) {
            case MFA -> MfaHandler.class;
            case SECURITY_GROUPS -> SecurityGroupHandler.class;
            case NETWORK -> NetworkHandler.class;
            case TRAILS -> TrailHandler.class;
            case DATA -> DataHandler.class;
            case TRANSPORT -> TransportHandler.class;
            case KEYS -> KeyHandler.class;
            case IDENTITY -> IdentityHandler.class;
            case DETECTIVE -> DetectiveControlHandler.class;
            case GUARD -> GuardHandler.class;
        };
    }
}
