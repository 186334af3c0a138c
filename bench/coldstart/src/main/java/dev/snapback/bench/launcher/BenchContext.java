package dev.snapback.bench.launcher;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** The invocation context the Lambda runtime would pass, with fixed values for a 512 MB function. */
public final class BenchContext implements Context {

    private static final LambdaLogger STDERR = new LambdaLogger() {
        @Override public void log(String message) { System.err.print(message); }
        @Override public void log(byte[] message) { log(new String(message, StandardCharsets.UTF_8)); }
    };

    @Override public String getAwsRequestId() { return "5e1a7c3b-2d4f-4a6e-8b9c-0d1e2f3a4b5c"; }
    @Override public String getLogGroupName() { return "/aws/lambda/snapback-security-groups"; }
    @Override public String getLogStreamName() { return "2026/11/20/[$LATEST]bench"; }
    @Override public String getFunctionName() { return "snapback-security-groups"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:111122223333:function:snapback-security-groups"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 30_000; }
    @Override public int getMemoryLimitInMB() { return 512; }
    @Override public LambdaLogger getLogger() { return STDERR; }
}
