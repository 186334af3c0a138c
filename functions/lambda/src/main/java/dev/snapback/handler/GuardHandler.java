package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for Snapback's own controls: its quarantine policy changed by someone else. */
public final class GuardHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public GuardHandler() {
        super(Family.GUARD);
    }

    public GuardHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
