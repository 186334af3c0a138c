package dev.snapback.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** What every Snapback handler is: raw EventBridge JSON into its family's {@link Pipeline}, built once per container. */
abstract class FamilyHandler implements RequestStreamHandler {

    private final Pipeline pipeline;

    FamilyHandler(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        pipeline.handle(input, output, context);
    }
}
