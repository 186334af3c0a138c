package dev.snapback.handler;

import dev.snapback.model.Family;

/** Lambda entry point for data exposure: S3 Block Public Access turned off, and buckets granted to everyone. */
public final class DataHandler extends FamilyHandler {

    /** Called by the Lambda runtime once per container: configuration and clients from the environment. */
    public DataHandler() {
        super(Family.DATA);
    }

    public DataHandler(Pipeline pipeline) {
        super(pipeline);
    }
}
