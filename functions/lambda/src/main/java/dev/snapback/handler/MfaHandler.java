package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for MFA deactivated on IAM users or root. */
public final class MfaHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public MfaHandler() {
        super(Family.MFA);
    }

    public MfaHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
