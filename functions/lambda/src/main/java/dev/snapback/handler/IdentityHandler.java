package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for who calls across every service: root's activity and bursts of denied calls. */
public final class IdentityHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public IdentityHandler() {
        super(Family.IDENTITY);
    }

    public IdentityHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
