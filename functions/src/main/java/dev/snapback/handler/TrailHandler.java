package dev.snapback.handler;

import dev.snapback.detect.Family;

/** Lambda entry point for CloudTrail trails stopped, deleted or weakened. */
public final class TrailHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public TrailHandler() {
        this(Pipeline.fromEnvironment(Family.TRAILS));
    }

    public TrailHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
