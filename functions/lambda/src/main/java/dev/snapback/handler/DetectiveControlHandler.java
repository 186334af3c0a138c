package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for the account's detective controls switched off: KMS keys disabled or scheduled for deletion. */
public final class DetectiveControlHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public DetectiveControlHandler() {
        super(Family.DETECTIVE);
    }

    public DetectiveControlHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
