package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for the network edge beyond security groups: network ACL entries that let the internet in. */
public final class NetworkHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public NetworkHandler() {
        super(Family.NETWORK);
    }

    public NetworkHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
