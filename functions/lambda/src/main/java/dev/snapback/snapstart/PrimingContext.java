package dev.snapback.snapstart;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.Map;

/**
 * The invocation context of a priming pass: the function's own name, an invoked ARN in the sample event's account (so
 * priming takes the remediation path, not the foreign-account one), and the request id {@value #REQUEST_ID}, which
 * marks every log line a priming pass writes.
 */
public record PrimingContext(String functionName, String functionVersion, int memoryLimitInMb, String invokedFunctionArn)
        implements Context {

    public static final String REQUEST_ID = "snapstart-priming";

    private static final LambdaLogger DISCARD = new LambdaLogger() {
        @Override public void log(String message) { }
        @Override public void log(byte[] message) { }
    };

    /** For the function described by its Lambda environment, invoked in {@code account}. */
    public static PrimingContext of(Map<String, String> environment, String account) {
        String name = environment.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "snapback");
        String region = environment.getOrDefault("AWS_REGION", "us-east-1");
        return new PrimingContext(name, environment.getOrDefault("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                Integer.parseInt(environment.getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0")),
                "arn:aws:lambda:" + region + ":" + account + ":function:" + name);
    }

    @Override public String getAwsRequestId() { return REQUEST_ID; }
    @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
    @Override public String getLogStreamName() { return REQUEST_ID; }
    @Override public String getFunctionName() { return functionName; }
    @Override public String getFunctionVersion() { return functionVersion; }
    @Override public String getInvokedFunctionArn() { return invokedFunctionArn; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 60_000; }
    @Override public int getMemoryLimitInMB() { return memoryLimitInMb; }
    @Override public LambdaLogger getLogger() { return DISCARD; }
}
