package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import dev.snapback.model.OwnNames;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Remove a reserved concurrency of zero from one of Snapback's functions, which stops every invocation. Read first
 * ({@code GetFunctionConcurrency}): no reservation needs nothing, and a reservation above zero set since is left alone.
 */
public record RemoveZeroConcurrency(String region, String functionName) implements Remediation {

    /** Snapback's functions by name, in the home region of the function that holds these grants. */
    public static final List<IamGrant> GRANTS = List.of(new IamGrant(
            List.of("lambda:GetFunctionConcurrency", "lambda:DeleteFunctionConcurrency"),
            Arrays.stream(Family.values())
                    .map(family -> "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + OwnNames.function(family))
                    .toList(),
            Map.of()));

    @Override
    public String describe() {
        return "remove the zero concurrency reservation of " + functionName;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("remove zero concurrency", "zero concurrency removed");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        LambdaClient lambda = aws.lambda(region);
        Integer reserved = lambda.getFunctionConcurrency(r -> r.functionName(functionName)).reservedConcurrentExecutions();
        if (reserved == null) return new Outcome.AlreadyCompliant(functionName + " has no concurrency reservation any more");
        if (reserved > 0) return new Outcome.Superseded(functionName + " reserves " + reserved + " now, not 0");
        lambda.deleteFunctionConcurrency(r -> r.functionName(functionName));
        return new Outcome.Remediated(List.of("removed the zero concurrency reservation that stopped " + functionName),
                List.of("aws lambda put-function-concurrency --region " + region + " --function-name " + functionName
                        + " --reserved-concurrent-executions 0 (stops Snapback's function again)"));
    }
}
