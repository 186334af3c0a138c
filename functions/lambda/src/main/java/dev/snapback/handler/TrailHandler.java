package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for CloudTrail trails stopped, deleted or weakened. */
public final class TrailHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public TrailHandler() {
        super(Family.TRAILS);
    }

    public TrailHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
