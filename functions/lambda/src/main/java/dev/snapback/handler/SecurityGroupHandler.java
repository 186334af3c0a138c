package dev.snapback.handler;

import dev.snapback.model.Family;
import java.util.function.Supplier;

/** Lambda entry point for security groups opened to the world or to untrusted ranges. */
public final class SecurityGroupHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public SecurityGroupHandler() {
        super(Family.SECURITY_GROUPS);
    }

    public SecurityGroupHandler(Pipeline pipeline) {
        super(pipeline);
    }

    /** With the SnapStart hooks, wired by the given suppliers (tests). */
    SecurityGroupHandler(Supplier<Pipeline> wiring, Supplier<Pipeline> primingWiring) {
        super(Family.SECURITY_GROUPS, wiring, primingWiring);
    }
}
