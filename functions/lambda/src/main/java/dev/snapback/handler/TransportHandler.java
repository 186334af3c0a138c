package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for TLS between services: bucket policies that no longer require it. */
public final class TransportHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public TransportHandler() {
        super(Family.TRANSPORT);
    }

    public TransportHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
