package dev.snapback.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/**
 * The Lambda context a test invocation gets: a function named like the stack's, in an account, a request id, and the
 * time left before the function times out.
 */
public record FakeContext(String functionName, String awsRequestId, String account, int remainingMillis) implements Context {

    /** A function in the fixtures' account. */
    public FakeContext(String functionName, String awsRequestId) {
        this(functionName, awsRequestId, Fixtures.ACCOUNT);
    }

    /** An invocation with 30 s left. */
    public FakeContext(String functionName, String awsRequestId, String account) {
        this(functionName, awsRequestId, account, 30_000);
    }

    @Override public String getAwsRequestId() { return awsRequestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
    @Override public String getLogStreamName() { return "2026/11/27/[$LATEST]0123456789abcdef"; }
    @Override public String getFunctionName() { return functionName; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:" + account + ":function:" + functionName; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return remainingMillis; }
    @Override public int getMemoryLimitInMB() { return 512; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.print(message); }
            @Override public void log(byte[] message) { System.out.print(new String(message, java.nio.charset.StandardCharsets.UTF_8)); }
        };
    }
}
