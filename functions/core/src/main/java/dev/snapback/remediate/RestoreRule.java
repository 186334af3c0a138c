package dev.snapback.remediate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * Put one of Snapback's own EventBridge rules back as deployed: there, enabled, with the deployed pattern, and with
 * exactly the deployed target. The rule and its targets are read first and only what differs is changed; a rule as
 * deployed needs nothing. A rule of Snapback's has one legitimate state, the deployed one (a deploy that changes it
 * also changes what this restores), so restoring it cannot undo a newer legitimate change.
 *
 * <p>The grants write rules with Snapback's names only ({@value #OWN_RULES}), point them only at Snapback's functions
 * or the home bus, and pass only the forwarding roles, to EventBridge.
 */
public record RestoreRule(String region, String ruleName, String pattern, String state, RuleTarget target) implements Remediation {

    /** What a rule of Snapback's sends its events to, with the retries and dead-letter queue it was deployed with. */
    public record RuleTarget(String id, String arn, String roleArn, String deadLetterArn, int maxRetries, int maxAgeSeconds) {

        /** Whether a target as CloudTrail records a {@code PutTargets} request is exactly this one. */
        public boolean isDeployed(JsonNode requested) {
            return id.equals(Fields.text(requested, "id")) && arn.equals(Fields.text(requested, "arn"))
                    && Objects.equals(roleArn, Fields.text(requested, "roleArn"))
                    && deadLetterArn.equals(Fields.text(requested, "deadLetterConfig", "arn"))
                    && Integer.valueOf(maxRetries).equals(Fields.integer(requested, "retryPolicy", "maximumRetryAttempts"))
                    && Integer.valueOf(maxAgeSeconds).equals(Fields.integer(requested, "retryPolicy", "maximumEventAgeInSeconds"))
                    && requested.path("input").isMissingNode() && requested.path("inputPath").isMissingNode()
                    && requested.path("inputTransformer").isMissingNode();
        }

        Target toSdk() {
            return Target.builder().id(id).arn(arn).roleArn(roleArn)
                    .deadLetterConfig(d -> d.arn(deadLetterArn))
                    .retryPolicy(r -> r.maximumRetryAttempts(maxRetries).maximumEventAgeInSeconds(maxAgeSeconds))
                    .build();
        }

        /** Exactly the deployed target: a constant input or a transformer would blind the function behind it. */
        boolean isDeployed(Target present) {
            return id.equals(present.id()) && arn.equals(present.arn()) && Objects.equals(roleArn, present.roleArn())
                    && present.input() == null && present.inputPath() == null && present.inputTransformer() == null
                    && present.deadLetterConfig() != null && deadLetterArn.equals(present.deadLetterConfig().arn())
                    && present.retryPolicy() != null
                    && Objects.equals(maxRetries, present.retryPolicy().maximumRetryAttempts())
                    && Objects.equals(maxAgeSeconds, present.retryPolicy().maximumEventAgeInSeconds());
        }
    }

    static final String OWN_RULES = "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/Snapback-*";

    public static final List<IamGrant> GRANTS = List.of(
            IamGrant.of(OWN_RULES, "events:DescribeRule", "events:ListTargetsByRule", "events:EnableRule",
                    "events:PutRule", "events:RemoveTargets"),
            // Only the targets Snapback deploys: its functions' aliases, or the home region's default bus.
            IamGrant.of(OWN_RULES, "events:PutTargets").when("ArnLike", "events:TargetArn",
                    "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:Snapback-*",
                    "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"),
            IamGrant.of("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/Snapback-forward-*", "iam:PassRole")
                    .when("StringEquals", "iam:PassedToService", "events.amazonaws.com"));

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String describe() {
        return "restore rule " + ruleName + " in " + region + " as deployed";
    }

    @Override
    public Verbs verbs() {
        return new Verbs("restore rule", "rule restored");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        EventBridgeClient events = aws.eventBridge(region);
        String where = " --region " + region + " --name " + ruleName;
        List<String> done = new ArrayList<>();
        List<String> inverses = new ArrayList<>();
        RuleState deployed = RuleState.fromValue(state);
        DescribeRuleResponse present = describe(events);
        if (present == null) {
            events.putRule(r -> r.name(ruleName).eventPattern(pattern).state(deployed));
            done.add("recreated the deleted rule " + ruleName + " in " + region + " with its deployed pattern");
            inverses.add("aws events delete-rule" + where + " (after removing its targets)");
        } else if (!samePattern(present.eventPattern(), pattern) || (present.state() != deployed && deployed != RuleState.ENABLED)) {
            // EnableRule would leave a rule that receives read-only calls receiving only writes: PutRule sets the state.
            events.putRule(r -> r.name(ruleName).eventPattern(pattern).state(deployed).description(present.description()));
            done.add("put back the deployed pattern and state " + state + " of " + ruleName + " in " + region);
            inverses.add("aws events put-rule" + where + " --event-pattern '" + present.eventPattern() + "'"
                    + " --state " + present.stateAsString());
        } else if (present.state() != deployed) {
            events.enableRule(r -> r.name(ruleName));
            done.add("enabled " + ruleName + " in " + region + " again");
            inverses.add("aws events disable-rule" + where);
        }

        List<Target> targets = present == null ? List.of() : events.listTargetsByRule(r -> r.rule(ruleName)).targets();
        if (targets.stream().noneMatch(target::isDeployed)) {
            events.putTargets(r -> r.rule(ruleName).targets(target.toSdk()));
            Target replaced = targets.stream().filter(t -> t.id().equals(target.id())).findFirst().orElse(null);
            done.add("put back the deployed target " + target.arn() + (replaced == null ? "" : " in place of " + replaced.arn()));
            inverses.add(replaced == null ? "aws events remove-targets --region " + region + " --rule " + ruleName + " --ids " + target.id()
                    : "aws events put-targets --region " + region + " --rule " + ruleName + " --targets Id=" + target.id()
                            + ",Arn=" + replaced.arn());
        }
        List<Target> extra = targets.stream().filter(t -> !t.id().equals(target.id())).toList();
        if (!extra.isEmpty()) {
            events.removeTargets(r -> r.rule(ruleName).ids(extra.stream().map(Target::id).toList()));
            done.add("removed the targets Snapback did not deploy: " + extra.stream().map(t -> t.id() + " (" + t.arn() + ")").toList());
            extra.forEach(t -> inverses.add("aws events put-targets --region " + region + " --rule " + ruleName
                    + " --targets Id=" + t.id() + ",Arn=" + t.arn()));
        }
        if (done.isEmpty()) {
            return new Outcome.AlreadyCompliant(ruleName + " in " + region + " is enabled, with its deployed pattern and target");
        }
        return new Outcome.Remediated(done, inverses);
    }

    /** The rule as it is, or {@code null} when it was deleted. */
    private DescribeRuleResponse describe(EventBridgeClient events) {
        try {
            return events.describeRule(r -> r.name(ruleName));
        } catch (AwsServiceException e) {
            if ("ResourceNotFoundException".equals(AwsErrors.code(e))) return null;
            throw e;
        }
    }

    /** Whether {@code given} is the {@code deployed} pattern, however its JSON is spaced or its keys ordered. */
    public static boolean samePattern(String given, String deployed) {
        if (given == null) return false;
        try {
            return JSON.readTree(given).equals(JSON.readTree(deployed));
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
