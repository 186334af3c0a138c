package dev.snapback.infra;

import dev.snapback.model.OwnNames;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
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
 */
public final class Liveness extends Construct {

    static final Duration PERIOD = Duration.hours(1);
    static final String CANARY_RATE = "rate(1 hour)";

    private final Alarm heartbeat;
    private final Role canaryRole;

    public Liveness(Construct scope, String id, Settings settings, Collection<SnapbackFunction> functions,
                    List<Alerting> channels) {
        super(scope, id);
        Map<String, IMetric> invocations = new LinkedHashMap<>();
        for (SnapbackFunction function : functions) {
            invocations.put("f" + invocations.size(), function.invocations(PERIOD));
        }
        String sum = String.join(" + ", invocations.keySet().stream().map(name -> "FILL(" + name + ", 0)").toList());
        heartbeat = Alarm.Builder.create(this, "Heartbeat")
                .alarmName(OwnNames.HEARTBEAT_ALARM)
                .alarmDescription("No CloudTrail event reached Snapback for " + settings.livenessHours() + " hours: check"
                        + " the trail is logging, the Snapback rules are enabled and the functions can run")
                .metric(MathExpression.Builder.create().expression(sum).usingMetrics(invocations).period(PERIOD)
                        .label("Invocations of every Snapback function").build())
                .threshold(1)
                .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                .evaluationPeriods(settings.livenessHours())
                .datapointsToAlarm(settings.livenessHours())
                .treatMissingData(TreatMissingData.BREACHING)
                .build();
        channels.forEach(channel -> channel.alsoPages(heartbeat));
        canaryRole = settings.canary() ? canary() : null;
    }

    public Alarm heartbeat() {
        return heartbeat;
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
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com", ServicePrincipalOpts.builder().conditions(Map.of("StringEquals", Map.of("aws:SourceAccount",
                                Stack.of(this).getAccount()))).build()))
                .description("Snapback canary: writes " + OwnNames.HEARTBEAT_PARAMETER + " and nothing else")
                .build();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ssm:PutParameter")).resources(List.of(parameter.getParameterArn())).build());
        CfnSchedule.Builder.create(this, "Canary")
                .description("Snapback canary: a recorded call that must reach Snapback")
                .scheduleExpression(CANARY_RATE)
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder().mode("OFF").build())
                .target(CfnSchedule.TargetProperty.builder()
                        .arn("arn:" + Aws.PARTITION + ":scheduler:::aws-sdk:ssm:putParameter")
                        .roleArn(role.getRoleArn())
                        .input("{\"Name\":\"" + OwnNames.HEARTBEAT_PARAMETER + "\",\"Value\":\"<aws.scheduler.scheduled-time>\","
                                + "\"Type\":\"String\",\"Overwrite\":true}")
                        .build())
                .build();
        return role;
    }
}
