package dev.snapback.handler;

import dev.snapback.detect.Family;

/** Lambda entry point for security groups opened to the world or to untrusted ranges. */
public final class SecurityGroupHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public SecurityGroupHandler() {
        this(Pipeline.fromEnvironment(Family.SECURITY_GROUPS));
    }

    public SecurityGroupHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
