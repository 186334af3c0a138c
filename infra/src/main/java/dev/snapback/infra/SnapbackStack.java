package dev.snapback.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.SnapbackTamperedDetector;
import dev.snapback.model.Family;
import dev.snapback.model.OwnNames;
import dev.snapback.remediate.QuarantinePolicy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.ssm.ParameterTier;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * Snapback in its home region: one function per detector family, the rules that invoke them (for this region's
 * events and those the forwarding stacks send here), the audit table, the alert and break-glass topics, the run-time
 * mode override, the alarms, the heartbeat and its canary.
 */
public final class SnapbackStack extends Stack {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Family, SnapbackFunction> functions = new EnumMap<>(Family.class);

    public SnapbackStack(Construct scope, String id, StackProps props, Settings settings, Code code) {
        super(scope, id, props);
        Alerting alerting = new Alerting(this, "Alerts", OwnNames.ALERT_TOPIC, settings.alertEmails());
        // The second channel shares neither the topic nor its key: it pages what would silence the first.
        Alerting breakGlass = new Alerting(this, "BreakGlass", OwnNames.BREAK_GLASS_TOPIC, settings.breakGlassEmails());
        DeadLetters deadLetters = new DeadLetters(this, "DeadLetters", alerting);
        breakGlass.alsoPages(deadLetters.arrived());
        Table auditTable = Table.Builder.create(this, "AuditTable")
                .partitionKey(Attribute.builder().name("eventId").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("detectorId").type(AttributeType.STRING).build())
                .timeToLiveAttribute("expiresAt")
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                // The audit trail outlives the stack: deleting Snapback must not delete what it did.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        StringParameter modes = StringParameter.Builder.create(this, "Modes")
                .parameterName(OwnNames.MODES_PARAMETER)
                .description("Snapback run-time mode overrides: {\"<detector-id>\": \"remediate|page|dry-run|off\"}")
                .stringValue("{}")
                .tier(ParameterTier.STANDARD)
                .build();

        var deps = new SnapbackFunction.Dependencies(auditTable, alerting, breakGlass, modes, deadLetters);
        for (Family family : Family.values()) {
            functions.put(family, new SnapbackFunction(this, family, code, settings.snapStart(), deps));
        }
        functions.get(Family.MFA).getNode().addDependency(mfaQuarantine());
        Liveness liveness = new Liveness(this, "Liveness", settings, functions.values(), List.of(alerting, breakGlass),
                OwnNames.rule(SnapbackTamperedDetector.SPEC.id(), "events"));
        Map<String, Object> own = new LinkedHashMap<>();
        own.put("snapbackHomeRegion", settings.homeRegion());
        List<String> regions = new ArrayList<>(List.of(settings.homeRegion()));
        regions.addAll(settings.forwardingRegions());
        own.put("snapbackRegions", regions);
        own.put("snapbackKeyArns", List.of(alerting.key().getKeyArn(), breakGlass.key().getKeyArn()));
        own.put("snapbackTableArns", List.of(auditTable.getTableArn()));
        String config = configWithOwnResources(settings.configJson(), liveness.canaryRole(), own);
        functions.values().forEach(function -> function.configure(config));

        for (DeclaredRule declared : DeclaredRule.all()) {
            // Every rule lives here, whatever region its events start in: forwarded events arrive on this bus.
            Rule rule = declared.rule(this, "Snapback " + declared.spec().id() + ": " + declared.pattern().service());
            rule.addTarget(new LambdaFunction(functions.get(declared.spec().family()).alias(),
                    LambdaFunctionProps.builder()
                            .deadLetterQueue(deadLetters.queue())
                            .retryAttempts(DeadLetters.RULE_RETRY_ATTEMPTS)
                            .maxEventAge(DeadLetters.RULE_MAX_EVENT_AGE)
                            .build()));
        }

        CfnOutput.Builder.create(this, "AlertTopicArn").value(alerting.topic().getTopicArn()).build();
        CfnOutput.Builder.create(this, "BreakGlassTopicArn").value(breakGlass.topic().getTopicArn()).build();
        CfnOutput.Builder.create(this, "AuditTableName").value(auditTable.getTableName()).build();
        CfnOutput.Builder.create(this, "ModesParameterName").value(modes.getParameterName()).build();
        CfnOutput.Builder.create(this, "DeadLetterQueueUrl").value(deadLetters.queue().getQueueUrl()).build();
    }

    /**
     * The deny-only policy the MFA function attaches to a user whose MFA was turned off (its role may attach and
     * detach this policy and no other). One per account: IAM policy names are account-wide.
     */
    private ManagedPolicy mfaQuarantine() {
        Map<String, Object> document;
        try {
            document = JSON.readValue(QuarantinePolicy.document(Aws.PARTITION, Aws.ACCOUNT_ID), new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the quarantine policy is not JSON", e);
        }
        return ManagedPolicy.Builder.create(this, "MfaQuarantine")
                .managedPolicyName(QuarantinePolicy.NAME)
                .description("Snapback: on an IAM user whose MFA was turned off, denies all but enrolling a new MFA device")
                .document(PolicyDocument.fromJson(document))
                .build();
    }

    /**
     * The configuration as JSON, with this stack's role ARNs (deploy-time tokens) added to {@code snapbackRoleArns},
     * and what {@code snapback-tampered} must know of the deployment ({@code own}) in place of anything given.
     */
    private String configWithOwnResources(ObjectNode configJson, Role canaryRole, Map<String, Object> own) {
        @SuppressWarnings("unchecked")
        Map<String, Object> config = JSON.convertValue(configJson, Map.class);
        List<Object> roles = new ArrayList<>();
        if (config.get("snapbackRoleArns") instanceof List<?> given) roles.addAll(given);
        functions.values().forEach(function -> roles.add(function.role().getRoleArn()));
        if (canaryRole != null) roles.add(canaryRole.getRoleArn());
        config.put("snapbackRoleArns", roles);
        config.putAll(own);
        return toJsonString(config);
    }
}
