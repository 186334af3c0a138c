package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Mode;
import dev.snapback.model.OwnNames;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.EnableAlarmActions;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.ReenableKey;
import dev.snapback.remediate.Remediation;
import dev.snapback.remediate.RemoveZeroConcurrency;
import dev.snapback.remediate.RestoreRule;
import dev.snapback.remediate.Sanctioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Someone changed Snapback's own control plane: the rules that feed it, its functions, its alarms, its mode
 * parameter, its alert topics and their keys, its dead-letter queues or its audit table. An intruder switches the
 * remediator off first, so every such change is CRITICAL. What can be put back safely is put back ({@link RestoreRule},
 * {@link EnableAlarmActions}, {@link RemoveZeroConcurrency}, {@link ReenableKey}); everything else pages with what to
 * redeploy.
 *
 * <p>Snapback's resources are known by the names its stacks give them ({@link OwnNames}, {@link OwnRules}) and the
 * ARNs the stack passes ({@link TamperSettings}), never by tags. The deployment changing them (CloudFormation, or a
 * configured deployment role) is audited as sanctioned, and not paged. Snapback's own calls never reach a detector.
 */
public record SnapbackTamperedDetector(TamperSettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "snapback-tampered",
            "Snapback's own control plane changed",
            Family.GUARD,
            Severity.CRITICAL,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("events", "DisableRule", "EnableRule", "DeleteRule", "RemoveTargets", "PutRule",
                            "PutTargets"),
                    EventPattern.apiCalls("lambda", "UpdateFunctionConfiguration20150331v2", "UpdateFunctionCode20150331v2",
                            "DeleteFunction20150331", "PutFunctionConcurrency20171031", "DeleteAlias20150331",
                            "UpdateAlias20150331", "RemovePermission20150331v2"),
                    EventPattern.apiCalls("monitoring", "DisableAlarmActions", "DeleteAlarms", "PutMetricAlarm"),
                    EventPattern.apiCalls("ssm", "PutParameter", "DeleteParameter"),
                    EventPattern.apiCalls("sns", "DeleteTopic", "SetTopicAttributes", "Unsubscribe", "RemovePermission",
                            "Subscribe", "SetSubscriptionAttributes"),
                    EventPattern.apiCalls("kms", "DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy", "CreateGrant"),
                    EventPattern.apiCalls("sqs", "DeleteQueue", "PurgeQueue", "SetQueueAttributes"),
                    EventPattern.apiCalls("dynamodb", "DeleteTable", "UpdateTable", "UpdateContinuousBackups"),
                    // A redeploy by anyone but the deployment changes Snapback through CloudFormation, whose own calls
                    // are sanctioned: the stack operation itself says who.
                    EventPattern.apiCalls("cloudformation", "UpdateStack", "ExecuteChangeSet", "DeleteStack",
                            "SetStackPolicy", "UpdateTerminationProtection")),
            IamGrant.allOf(RestoreRule.GRANTS, EnableAlarmActions.GRANTS, RemoveZeroConcurrency.GRANTS, ReenableKey.GRANTS));

    private static final String REDEPLOY = "Snapback does not restore this itself: deploy Snapback again (cdk deploy) to"
            + " put it back as deployed, and find out who made the change";

    /**
     * One of Snapback's resources that the call changed ({@code label}: "rule NAME"), what it did, what puts it back,
     * and how loud the page is (CRITICAL unless the change may well be legitimate, as a redeploy is).
     */
    private record Touched(ResourceRef resource, String label, String change, Remediation fix, Severity severity) {
        Touched(ResourceRef resource, String label, String change, Remediation fix) {
            this(resource, label, change, fix, Severity.CRITICAL);
        }
    }

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        if (!settings.watches(event.region())) {
            return Verdict.clean(event.eventName() + " in " + event.region() + ", where Snapback has no stack");
        }
        List<Touched> touched = switch (event.eventSource()) {
            case "events.amazonaws.com" -> rule(event);
            case "lambda.amazonaws.com" -> function(event);
            case "monitoring.amazonaws.com" -> alarms(event);
            case "ssm.amazonaws.com" -> parameter(event);
            case "sns.amazonaws.com" -> topic(event);
            case "kms.amazonaws.com" -> key(event);
            case "sqs.amazonaws.com" -> queue(event);
            case "dynamodb.amazonaws.com" -> table(event);
            case "cloudformation.amazonaws.com" -> stack(event);
            default -> List.of();
        };
        if (touched.isEmpty()) {
            return Verdict.clean(event.eventName() + " on " + named(event) + ": not one of Snapback's resources, or left as"
                    + " deployed");
        }
        boolean deployment = settings.isDeployment(event.actor());
        return Verdict.flagged(touched.stream().map(t -> deployment
                ? new Finding(SPEC.id(), Severity.LOW, t.label() + " " + t.change() + " by the deployment",
                        t.resource(), new Sanctioned("Snapback's deployment (" + event.actor().label() + ") changed it"),
                        Facts.of(event, "resource", t.resource().id(), "change", t.change()), event)
                : new Finding(SPEC.id(), t.severity(), t.label() + " " + t.change(), t.resource(), t.fix(),
                        Facts.of(event, "resource", t.resource().id(), "change", t.change(), "user agent", event.userAgent(),
                                "check", "an intruder switches a remediator off first: find out who "
                                        + event.actor().label() + " is and why they changed Snapback"),
                        event)).toList());
    }

    private List<Touched> rule(CloudTrailEvent event) {
        JsonNode request = event.request();
        String name = Optional.ofNullable(Fields.text(request, "name")).orElse(Fields.text(request, "rule"));
        String bus = Fields.text(request, "eventBusName");
        if (name == null || (bus != null && !bus.equals("default") && !bus.endsWith(":event-bus/default"))) return List.of();
        Optional<OwnRules.OwnRule> own = OwnRules.named(name);
        if (own.isEmpty()) return List.of();
        String deployedPattern = own.get().pattern().toJson();
        String deployedState = own.get().pattern().ruleState();
        Optional<RestoreRule.RuleTarget> deployed = deployedTarget(event, own.get());
        String change = switch (event.eventName()) {
            case "DisableRule" -> "disabled";
            // EnableRule sets ENABLED: a rule deployed to receive read-only calls would receive writes only.
            case "EnableRule" -> deployedState.equals(EventPattern.ENABLED) ? null : "enabled without its read-only management events";
            case "DeleteRule" -> "deleted";
            case "RemoveTargets" -> "targets removed: " + strings(request.path("ids"));
            case "PutRule" -> {
                boolean samePattern = RestoreRule.samePattern(Fields.text(request, "eventPattern"), deployedPattern);
                // PutRule without a state enables the rule.
                String state = Objects.requireNonNullElse(Fields.text(request, "state"), EventPattern.ENABLED);
                yield samePattern && state.equals(deployedState) ? null : !samePattern ? "pattern replaced"
                        : state.equals("DISABLED") ? "disabled by PutRule" : "state set to " + state;
            }
            case "PutTargets" -> {
                List<JsonNode> targets = Fields.items(request.path("targets"));
                boolean asDeployed = targets.size() == 1
                        && deployed.filter(target -> target.isDeployed(targets.getFirst())).isPresent();
                yield asDeployed ? null : "targets set to " + targets.stream().map(t -> Fields.text(t, "arn")).toList()
                        + (targets.stream().anyMatch(t -> t.has("input") || t.has("inputPath") || t.has("inputTransformer"))
                                ? " with their input replaced" : "");
            }
            default -> null;
        };
        if (change == null) return List.of();
        Remediation fix = deployed.<Remediation>map(target -> new RestoreRule(event.region(), name, deployedPattern, deployedState, target))
                .orElseGet(() -> new PageOnly("the configuration names no home region (snapbackHomeRegion), so Snapback"
                        + " cannot say what this rule's deployed target is; deploy Snapback again to restore it"));
        String arn = "arn:" + event.partition() + ":events:" + event.region() + ":" + event.account() + ":rule/" + name;
        return List.of(new Touched(new ResourceRef("AWS::Events::Rule", arn), "rule " + name, change, fix));
    }

    /**
     * Where the rule sends its events as deployed: the family's function alias in the home region, the home region's
     * default bus from a forwarding region. Unknown without the home region.
     */
    private Optional<RestoreRule.RuleTarget> deployedTarget(CloudTrailEvent event, OwnRules.OwnRule rule) {
        String home = settings.snapbackHomeRegion();
        if (home == null) return Optional.empty();
        String account = event.account();
        String partition = event.partition();
        String deadLetters = "arn:" + partition + ":sqs:" + event.region() + ":" + account + ":" + OwnNames.DEAD_LETTER_QUEUE;
        boolean atHome = home.equals(event.region());
        String arn = atHome
                ? "arn:" + partition + ":lambda:" + home + ":" + account + ":function:" + OwnNames.function(rule.spec().family())
                        + ":" + OwnNames.ALIAS
                : "arn:" + partition + ":events:" + home + ":" + account + ":event-bus/default";
        String role = atHome ? null : "arn:" + partition + ":iam::" + account + ":role/" + OwnNames.forwardRole(event.region());
        return Optional.of(new RestoreRule.RuleTarget(OwnNames.RULE_TARGET_ID, arn, role, deadLetters,
                OwnNames.RULE_RETRY_ATTEMPTS, OwnNames.RULE_MAX_EVENT_AGE_SECONDS));
    }

    private List<Touched> function(CloudTrailEvent event) {
        JsonNode request = event.request();
        String name = functionName(Fields.text(request, "functionName"), event.account());
        if (name == null || !settings.isHome(event.region()) || !OwnNames.functions().contains(name)) return List.of();
        String arn = "arn:" + event.partition() + ":lambda:" + event.region() + ":" + event.account() + ":function:" + name;
        ResourceRef function = new ResourceRef("AWS::Lambda::Function", arn);
        if (event.eventName().equals("PutFunctionConcurrency20171031")) {
            Integer reserved = Fields.integer(request, "reservedConcurrentExecutions");
            if (reserved != null && reserved == 0) {
                return List.of(new Touched(function, "function " + name, "reserved concurrency set to 0, so it never runs",
                        new RemoveZeroConcurrency(event.region(), name)));
            }
            return List.of(new Touched(function, "function " + name, "reserved concurrency set to " + reserved,
                    new PageOnly(REDEPLOY)));
        }
        String change = switch (event.eventName()) {
            case "UpdateFunctionConfiguration20150331v2" -> "configuration changed";
            case "UpdateFunctionCode20150331v2" -> "code replaced";
            case "DeleteFunction20150331" -> "deleted";
            case "DeleteAlias20150331" -> "alias " + Fields.text(request, "name") + " deleted";
            case "UpdateAlias20150331" -> "alias " + Fields.text(request, "name") + " pointed at version "
                    + Fields.text(request, "functionVersion");
            default -> "permission " + Fields.text(request, "statementId") + " removed";
        };
        return List.of(new Touched(function, "function " + name, change, new PageOnly(REDEPLOY)));
    }

    private List<Touched> alarms(CloudTrailEvent event) {
        List<Touched> touched = new ArrayList<>();
        List<String> names = event.eventName().equals("PutMetricAlarm")
                ? List.of(Objects.requireNonNullElse(Fields.text(event.request(), "alarmName"), ""))
                : strings(event.request().path("alarmNames"));
        // A forwarding stack has only its dead-letter alarm: a lookalike elsewhere is not Snapback's to turn back on.
        List<String> own = settings.isHome(event.region()) ? OwnNames.alarms() : List.of(OwnNames.DEAD_LETTERS_ALARM);
        for (String name : names) {
            if (!own.contains(name)) continue;
            ResourceRef alarm = new ResourceRef("AWS::CloudWatch::Alarm",
                    "arn:" + event.partition() + ":cloudwatch:" + event.region() + ":" + event.account() + ":alarm:" + name);
            touched.add(switch (event.eventName()) {
                case "DisableAlarmActions" -> new Touched(alarm, "alarm " + name, "actions disabled, so it pages nobody",
                        new EnableAlarmActions(event.region(), name));
                case "PutMetricAlarm" -> new Touched(alarm, "alarm " + name, "redefined", new PageOnly(REDEPLOY));
                default -> new Touched(alarm, "alarm " + name, "deleted", new PageOnly(REDEPLOY));
            });
        }
        return touched;
    }

    private List<Touched> parameter(CloudTrailEvent event) {
        String name = Fields.text(event.request(), "name");
        if (name != null && name.startsWith("arn:")) name = name.substring(name.indexOf(":parameter") + ":parameter".length());
        boolean own = OwnNames.MODES_PARAMETER.equals(name) || OwnNames.HEARTBEAT_PARAMETER.equals(name);
        if (!settings.isHome(event.region()) || !own) {
            return List.of();
        }
        String change = event.eventName().equals("DeleteParameter") ? "deleted" : "value replaced";
        String advice = OwnNames.MODES_PARAMETER.equals(name)
                ? "whoever writes this parameter can switch detectors off; every function pages a lowered mode on its own."
                        + " If the change was not intended, put back the modes you run ({} for the deployed ones)"
                : REDEPLOY;
        return List.of(new Touched(new ResourceRef("AWS::SSM::Parameter", name), "parameter " + name, change,
                new PageOnly(advice)));
    }

    private List<Touched> topic(CloudTrailEvent event) {
        JsonNode request = event.request();
        String topicArn = Fields.text(request, "topicArn");
        String subscription = Fields.text(request, "subscriptionArn");
        if (topicArn == null && subscription != null && subscription.lastIndexOf(':') > 0) {
            topicArn = subscription.substring(0, subscription.lastIndexOf(':'));
        }
        String prefix = "arn:" + event.partition() + ":sns:" + event.region() + ":" + event.account() + ":";
        if (topicArn == null || !topicArn.startsWith(prefix)) return List.of();
        String name = topicArn.substring(prefix.length());
        if (!name.equals(OwnNames.ALERT_TOPIC) && !name.equals(OwnNames.BREAK_GLASS_TOPIC)) return List.of();
        String change = switch (event.eventName()) {
            case "DeleteTopic" -> "deleted";
            case "SetTopicAttributes" -> "attribute " + Fields.text(request, "attributeName") + " changed";
            case "Unsubscribe" -> "subscription " + subscription + " removed";
            case "Subscribe" -> "subscribed " + Fields.text(request, "protocol") + " " + Fields.text(request, "endpoint")
                    + ", which now receives every page";
            case "SetSubscriptionAttributes" -> "subscription " + subscription + ": " + Fields.text(request, "attributeName")
                    + " changed (a filter policy can drop pages)";
            default -> "permission " + Fields.text(request, "label") + " removed";
        };
        return List.of(new Touched(new ResourceRef("AWS::SNS::Topic", topicArn), "topic " + name, change,
                new PageOnly(REDEPLOY)));
    }

    private List<Touched> key(CloudTrailEvent event) {
        String keyArn = KmsKeys.keyArn(event);
        if (keyArn == null || !settings.snapbackKeyArns().contains(keyArn)) return List.of();
        ResourceRef key = new ResourceRef("AWS::KMS::Key", keyArn);
        String label = "alert key " + KmsKeys.keyId(keyArn);
        return List.of(switch (event.eventName()) {
            case "DisableKey" -> new Touched(key, label, "disabled, so no alert can be sent", new ReenableKey(event.region(), keyArn));
            case "ScheduleKeyDeletion" -> new Touched(key, label, "scheduled for deletion in "
                    + KmsKeys.pendingWindowDays(event) + " days", new ReenableKey(event.region(), keyArn));
            case "CreateGrant" -> new Touched(key, label, "granted to " + Fields.text(event.request(), "granteePrincipal"),
                    new PageOnly("a grant lets its grantee use the key beside its policy: revoke it (aws kms revoke-grant)"
                            + " unless it was intended"));
            default -> new Touched(key, label, "key policy replaced", new PageOnly(REDEPLOY));
        });
    }

    private List<Touched> queue(CloudTrailEvent event) {
        String url = Fields.text(event.request(), "queueUrl");
        String tail = "/" + event.account() + "/" + OwnNames.DEAD_LETTER_QUEUE;
        if (url == null || !url.endsWith(tail) || !url.contains(event.region())) return List.of();
        String change = switch (event.eventName()) {
            case "DeleteQueue" -> "deleted";
            case "PurgeQueue" -> "purged: the events that waited there are gone; find them in CloudTrail";
            default -> "attributes changed";
        };
        return List.of(new Touched(new ResourceRef("AWS::SQS::Queue", "arn:" + event.partition() + ":sqs:" + event.region()
                + ":" + event.account() + ":" + OwnNames.DEAD_LETTER_QUEUE), "queue " + OwnNames.DEAD_LETTER_QUEUE, change,
                new PageOnly(REDEPLOY)));
    }

    private List<Touched> table(CloudTrailEvent event) {
        String name = Fields.text(event.request(), "tableName");
        if (name == null) return List.of();
        String arn = name.startsWith("arn:") ? name
                : "arn:" + event.partition() + ":dynamodb:" + event.region() + ":" + event.account() + ":table/" + name;
        if (!settings.snapbackTableArns().contains(arn)) return List.of();
        String change = switch (event.eventName()) {
            case "DeleteTable" -> "deleted";
            case "UpdateContinuousBackups" -> Boolean.FALSE.equals(Fields.bool(event.request(),
                    "pointInTimeRecoverySpecification", "pointInTimeRecoveryEnabled"))
                    ? "point-in-time recovery turned off" : "continuous backups changed";
            default -> "table settings changed";
        };
        return List.of(new Touched(new ResourceRef("AWS::DynamoDB::Table", arn), "audit table " + name, change,
                new PageOnly(REDEPLOY)));
    }

    /**
     * An operation on one of Snapback's stacks. CloudFormation's own calls on Snapback's resources are the deployment;
     * this says who deployed: LOW for an update, CRITICAL for what removes or unprotects Snapback.
     */
    private List<Touched> stack(CloudTrailEvent event) {
        String stack = Fields.text(event.request(), "stackName");
        if (stack == null) stack = Fields.text(event.request(), "changeSetName");
        if (stack != null && stack.startsWith("arn:")) {
            String prefix = "arn:" + event.partition() + ":cloudformation:" + event.region() + ":" + event.account() + ":";
            if (!stack.startsWith(prefix)) return List.of();
            String[] parts = stack.substring(prefix.length()).split("/");
            // stack/NAME/ID names the stack; a change set's ARN does not, so its stack must be named beside it.
            stack = parts.length > 1 && parts[0].equals("stack") ? parts[1] : null;
        }
        boolean ours = OwnNames.HOME_STACK.equals(stack) || OwnNames.forwardingStack(event.region()).equals(stack);
        if (!ours) return List.of();
        ResourceRef resource = new ResourceRef("AWS::CloudFormation::Stack",
                "arn:" + event.partition() + ":cloudformation:" + event.region() + ":" + event.account() + ":stack/" + stack);
        String label = "stack " + stack;
        return List.of(switch (event.eventName()) {
            case "UpdateStack", "ExecuteChangeSet" -> new Touched(resource, label, "updated",
                    new PageOnly("check this was a planned deploy of Snapback: CloudFormation's changes to its resources"
                            + " are audited, not paged"), Severity.LOW);
            case "DeleteStack" -> new Touched(resource, label, "deleted: Snapback is being removed", new PageOnly(REDEPLOY));
            default -> new Touched(resource, label, event.eventName() + ": its protection changed", new PageOnly(REDEPLOY));
        });
    }

    /** What the call names, for the reason it is not Snapback's. */
    private static String named(CloudTrailEvent event) {
        for (String field : List.of("name", "rule", "functionName", "alarmNames", "alarmName", "topicArn", "subscriptionArn",
                "keyId", "queueUrl", "tableName", "stackName", "changeSetName")) {
            JsonNode value = event.request().path(field);
            if (!value.isMissingNode() && !value.isNull()) return value.isTextual() ? value.asText() : value.toString();
        }
        return "no named resource";
    }

    /**
     * The function a Lambda call names, by name, full or partial ARN ({@code ACCOUNT:function:NAME}), with or without
     * a qualifier; {@code null} when it names a function of another account.
     */
    private static String functionName(String given, String account) {
        if (given == null) return null;
        int marker = given.indexOf(":function:");
        if (marker < 0) return given.contains(":") ? given.substring(0, given.indexOf(':')) : given;
        String before = given.substring(0, marker);
        if (!before.endsWith(account)) return null;
        String rest = given.substring(marker + ":function:".length());
        return rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest;
    }

    private static List<String> strings(JsonNode array) {
        return Fields.items(array).stream().filter(JsonNode::isTextual).map(JsonNode::asText).toList();
    }
}
