package dev.snapback.infra;

import dev.snapback.config.FunctionEnvironment;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.handler.Handlers;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.OwnNames;
import dev.snapback.remediate.ReenableKey;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnEventInvokeConfig;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.ssm.IStringParameter;
import software.constructs.Construct;

/**
 * One family's Lambda function, with a role that holds exactly what its detectors declare plus its own audit, alert,
 * mode-override and logging access. Rules invoke its {@value OwnNames#ALIAS} alias, so SnapStart (on published
 * versions) applies to every invocation. The function and its alarms carry {@link OwnNames}' names, so that
 * {@code snapback-tampered} knows them.
 */
public final class SnapbackFunction extends Construct {

    static final int MEMORY_MB = 1024;
    static final Duration TIMEOUT = Duration.seconds(60);
    /** Lambda's own retries of a failed asynchronous invocation before it goes to the dead-letter queue. */
    static final int INVOKE_RETRY_ATTEMPTS = 2;

    /** @param breakGlass the second channel: only the guard function, which pages tampering with the first, uses it */
    public record Dependencies(ITable auditTable, Alerting alerting, Alerting breakGlass, IStringParameter modesParameter,
                               DeadLetters deadLetters) {
    }

    private final Family family;
    private final Role role;
    private final Function function;
    private final Alias alias;

    public SnapbackFunction(Construct scope, Family family, Code code, boolean snapStart, Dependencies deps) {
        super(scope, family.functionId());
        this.family = family;
        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(name() + ": remediation, audit and alerts")
                .build();
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(RetentionDays.THREE_MONTHS)
                .build();
        grantDeclaredActions(Map.of(ReenableKey.ALERT_KEY, deps.alerting().key().getKeyArn(),
                ReenableKey.BREAK_GLASS_KEY, deps.breakGlass().key().getKeyArn()));
        // UpdateItem claims and records events; GetItem and PutItem keep the notices paged once (a lowered deployment).
        allow(List.of("dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:PutItem"), deps.auditTable().getTableArn());
        List<Alerting> channels = family == Family.GUARD ? List.of(deps.alerting(), deps.breakGlass()) : List.of(deps.alerting());
        for (Alerting channel : channels) {
            allow(List.of("sns:Publish"), channel.topic().getTopicArn());
            allow(Alerting.KEY_ACTIONS, channel.key().getKeyArn());
            channel.allowPublisher(role);
        }
        allow(List.of("ssm:GetParameter"), deps.modesParameter().getParameterArn());
        allow(List.of("logs:CreateLogStream", "logs:PutLogEvents"), logs.getLogGroupArn());
        allow(List.of("sqs:SendMessage"), deps.deadLetters().queue().getQueueArn());

        function = Function.Builder.create(this, "Function")
                .functionName(OwnNames.function(family))
                .description(name() + ": " + String.join(", ", specs().stream().map(DetectorSpec::id).toList()))
                .runtime(Runtime.JAVA_25)
                // The jar is pure Java, and Graviton costs less per GB-second than x86 for the same work.
                .architecture(Architecture.ARM_64)
                .memorySize(MEMORY_MB)
                .timeout(TIMEOUT)
                .code(code)
                .handler(Handlers.of(family).getName())
                .role(role)
                .logGroup(logs)
                .snapStart(snapStart ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                // The configuration follows in configure(), once every function's role exists.
                .environment(new FunctionEnvironment(null, deps.auditTable().getTableName(),
                        deps.alerting().topic().getTopicArn(),
                        family == Family.GUARD ? deps.breakGlass().topic().getTopicArn() : null,
                        deps.modesParameter().getParameterName(),
                        "snapback-" + family.functionId(), FunctionEnvironment.DEFAULT_METRICS_NAMESPACE).variables())
                .build();
        alias = Alias.Builder.create(this, "Alias")
                .aliasName(OwnNames.ALIAS)
                .version(function.getCurrentVersion())
                .build();
        CfnEventInvokeConfig invokeConfig = CfnEventInvokeConfig.Builder.create(this, "AsyncInvoke")
                .functionName(function.getFunctionName())
                .qualifier(OwnNames.ALIAS)
                .maximumRetryAttempts(INVOKE_RETRY_ATTEMPTS)
                .destinationConfig(CfnEventInvokeConfig.DestinationConfigProperty.builder()
                        .onFailure(CfnEventInvokeConfig.OnFailureProperty.builder()
                                .destination(deps.deadLetters().queue().getQueueArn())
                                .build())
                        .build())
                .build();
        invokeConfig.getNode().addDependency(alias);
        // CDK warns that SnapStart needs a published version: the alias above is one, and the only thing rules invoke.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "rules invoke the published version through the alias");

        Alarm errors = deps.alerting().pageWhenAnyOf(this, "Errors", OwnNames.errorsAlarm(family), function.metricErrors(sum()),
                name() + " failed; the event is retried, then kept in the dead-letter queue");
        deps.alerting().pageWhenAnyOf(this, "Throttles", OwnNames.throttlesAlarm(family), function.metricThrottles(sum()),
                name() + " was throttled; events are delayed");
        // The guard failing may be the alert path itself failing: the second channel hears of it too.
        if (family == Family.GUARD) deps.breakGlass().alsoPages(errors);
        suppressScopedWildcards();
    }

    public Role role() {
        return role;
    }

    public Alias alias() {
        return alias;
    }

    /** How often the function ran (any version), in periods of {@code period}. */
    public IMetric invocations(Duration period) {
        return function.metricInvocations(MetricOptions.builder().period(period).statistic("Sum").build());
    }

    /**
     * Sets {@value FunctionEnvironment#CONFIG}: the user's validated configuration with every Snapback role
     * added, so no function remediates another's (or its own) change. Role ARNs are tokens here; CloudFormation
     * resolves them at deploy time.
     */
    public void configure(String configJson) {
        function.addEnvironment(FunctionEnvironment.CONFIG, configJson);
    }

    private String name() {
        return "Snapback " + family.functionId();
    }

    private List<DetectorSpec> specs() {
        return Detectors.SPECS.stream().filter(spec -> spec.family() == family).toList();
    }

    private List<IamGrant> grants() {
        return specs().stream().flatMap(spec -> spec.grants().stream()).toList();
    }

    /** The declared grants, with {@code variables} (such as the alert keys' ARNs) substituted where they appear. */
    private void grantDeclaredActions(Map<String, String> variables) {
        for (IamGrant grant : grants()) {
            role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(grant.actions())
                    .resources(grant.resources().stream().map(resource -> substituted(resource, variables)).toList())
                    .conditions(conditions(grant))
                    .build());
        }
    }

    /** A grant's conditions in IAM's JSON shape, each value scoped to this stack's account by {@code Fn::Sub}. */
    private static Map<String, Object> conditions(IamGrant grant) {
        Map<String, Object> conditions = new LinkedHashMap<>();
        grant.conditions().forEach((operator, keys) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            keys.forEach((key, given) -> values.put(key, given.stream().map(Fn::sub).toList()));
            conditions.put(operator, values);
        });
        return conditions;
    }

    /** The resource for {@code Fn::Sub}, with the variables it names: an ARN passed whole stays a token. */
    private static String substituted(String resource, Map<String, String> variables) {
        String variable = variables.get(resource);
        if (variable != null) return variable;
        return Fn.sub(resource);
    }

    private void allow(List<String> actions, String resource) {
        role.addToPrincipalPolicy(PolicyStatement.Builder.create().actions(actions).resources(List.of(resource)).build());
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
    }

    /**
     * The declared grants end in {@code /*}: a remediation acts on whichever security group, trail, user or key pair
     * the event names, which no deploy-time list can know. They stay within this account and resource type. The only
     * {@code *} are EC2's reads of the present state and the account password policy's actions, which take no
     * resource-level permissions.
     */
    private void suppressScopedWildcards() {
        List<String> findings = grants().stream().flatMap(grant -> grant.resources().stream())
                .filter(resource -> resource.contains("*"))
                .distinct()
                .map(resource -> "Resource::" + resource.replace("${", "<").replace("}", ">"))
                .toList();
        if (findings.isEmpty()) return;
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Remediation acts on the resource the CloudTrail event names (security group, trail, user, "
                        + "key pair), unknown at deploy time; scoped to this account and that resource type. EC2's "
                        + "Describe actions, which read the present state first, and IAM's account password policy "
                        + "actions take no resource-level permissions. "
                        + "The guard's rule grants name Snapback's own rules (Snapback-*) in any watched region, and "
                        + "the forwarding roles it passes back to EventBridge.")
                .appliesTo(findings)
                .build()), true);
    }
}
