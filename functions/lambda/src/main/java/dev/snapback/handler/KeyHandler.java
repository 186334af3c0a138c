package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for IAM access keys and EC2 key pairs created outside the managed path. */
public final class KeyHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public KeyHandler() {
        super(Family.KEYS);
    }

    public KeyHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
