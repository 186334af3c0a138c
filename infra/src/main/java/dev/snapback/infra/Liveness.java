package dev.snapback.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.OwnNames;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.ServicePrincipalOpts;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.ssm.ParameterTier;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * Whether CloudTrail events still reach Snapback. A trail can die without an event that says so, and a broken rule
 * or delivery says nothing either: the heartbeat alarm pages, through both channels, when no Snapback function ran
 * for {@link Settings#livenessHours()} hours, and missing data counts as breaching.
 *
 * <p>The canary keeps a quiet account live: every hour EventBridge Scheduler writes the heartbeat parameter through
 * SSM's API, a call CloudTrail records and the guard's rule matches. So the alarm watches the whole path end to end:
 * CloudTrail, EventBridge, the rule, the invocation. The canary's role is Snapback's, so its call is never a finding.
 *
 * <p>The rule that watches EventBridge cannot see itself disabled: the event that says so arrives after it stopped
 * matching. So the canary also puts back a disabled heartbeat rule every hour, an EventBridge call that rule matches,
 * and a second alarm pages when the rule stops matching ({@code MatchedEvents}, missing data breaching).
 */
public final class Liveness extends Construct {

    static final Duration PERIOD = Duration.hours(1);
    static final String CANARY_RATE = "rate(1 hour)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Role canaryRole;

    /** @param watchesEventBridge the name of the rule that matches changes to EventBridge rules */
    public Liveness(Construct scope, String id, Settings settings, Collection<SnapbackFunction> functions,
                    List<Alerting> channels, String watchesEventBridge) {
        super(scope, id);
        Map<String, IMetric> invocations = new LinkedHashMap<>();
        for (SnapbackFunction function : functions) {
            invocations.put("f" + invocations.size(), function.invocations(PERIOD));
        }
        String sum = String.join(" + ", invocations.keySet().stream().map(name -> "FILL(" + name + ", 0)").toList());
        silentFor("Heartbeat", OwnNames.HEARTBEAT_ALARM, "No CloudTrail event reached Snapback for "
                        + settings.livenessHours() + " hours: check the trail is logging, the Snapback rules are enabled and"
                        + " the functions can run",
                MathExpression.Builder.create().expression(sum).usingMetrics(invocations).period(PERIOD)
                        .label("Invocations of every Snapback function").build(), settings, channels);
        canaryRole = settings.canary() ? canary() : null;
        if (canaryRole != null) {
            silentFor("RuleHeartbeat", OwnNames.RULE_HEARTBEAT_ALARM, "Rule " + watchesEventBridge + " matched none of"
                            + " the canary's calls for " + settings.livenessHours() + " hours: it may be disabled, so"
                            + " changes to Snapback's rules go unseen",
                    Metric.Builder.create().namespace("AWS/Events").metricName("MatchedEvents")
                            .dimensionsMap(Map.of("RuleName", watchesEventBridge)).statistic("Sum").period(PERIOD).build(),
                    settings, channels);
        }
    }

    /** An alarm that pages every channel when {@code metric} stays below 1 for the liveness period, or has no data. */
    private void silentFor(String id, String name, String description, IMetric metric, Settings settings,
                            List<Alerting> channels) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmName(name)
                .alarmDescription(description)
                .metric(metric)
                .threshold(1)
                .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                .evaluationPeriods(settings.livenessHours())
                .datapointsToAlarm(settings.livenessHours())
                .treatMissingData(TreatMissingData.BREACHING)
                .build();
        channels.forEach(channel -> channel.alsoPages(alarm));
    }

    /** An hourly call of {@code api} ({@code service:operation}) with {@code input}, as the canary's role. */
    private void schedule(String id, Role role, String api, ObjectNode input) {
        CfnSchedule.Builder.create(this, id)
                .description("Snapback canary: a recorded call that must reach Snapback")
                .scheduleExpression(CANARY_RATE)
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder().mode("OFF").build())
                .target(CfnSchedule.TargetProperty.builder()
                        .arn("arn:" + Aws.PARTITION + ":scheduler:::aws-sdk:" + api)
                        .roleArn(role.getRoleArn())
                        .input(input.toString())
                        .build())
                .build();
    }

    /** The canary's role, when there is a canary: Snapback's own, so its call is ignored by every detector. */
    public Role canaryRole() {
        return canaryRole;
    }

    private Role canary() {
        StringParameter parameter = StringParameter.Builder.create(this, "HeartbeatParameter")
                .parameterName(OwnNames.HEARTBEAT_PARAMETER)
                .description("Snapback's canary writes the time here every hour; the call reaching Snapback shows it is live")
                .stringValue("never")
                .tier(ParameterTier.STANDARD)
                .build();
        Role role = Role.Builder.create(this, "CanaryRole")
                .roleName(OwnNames.CANARY_ROLE)
                // Only this account's schedules of the default group, where the canary's are, may assume it
                // (Scheduler names the schedule group as the source).
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com", ServicePrincipalOpts.builder()
                        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Stack.of(this).getAccount(),
                                "aws:SourceArn", Stack.of(this).formatArn(ArnComponents.builder()
                                        .service("scheduler").resource("schedule-group").resourceName("default").build()))))
                        .build()))
                .description("Snapback canary: writes " + OwnNames.HEARTBEAT_PARAMETER + " and puts back the "
                        + OwnNames.HEARTBEAT_RULE + " rule, nothing else")
                .build();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:PutParameter")).resources(List.of(parameter.getParameterArn())).build());
        schedule("Canary", role, "ssm:putParameter", JSON.createObjectNode().put("Name", OwnNames.HEARTBEAT_PARAMETER)
                .put("Value", "<aws.scheduler.scheduled-time>").put("Type", "String").put("Overwrite", true));
        // A disabled rule with no target, made by the canary's first call: putting it back changes nothing, and
        // CloudTrail records the call. It is not a stack resource, so the template's rules are the detectors' only.
        String heartbeatRule = Stack.of(this).formatArn(ArnComponents.builder().service("events").resource("rule")
                .resourceName(OwnNames.HEARTBEAT_RULE).build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().actions(List.of("events:PutRule"))
                .resources(List.of(heartbeatRule)).build());
        schedule("RuleCanary", role, "eventbridge:putRule", JSON.createObjectNode().put("Name", OwnNames.HEARTBEAT_RULE)
                .put("EventPattern", "{\"source\":[\"snapback.heartbeat\"]}").put("State", "DISABLED"));
        return role;
    }
}
