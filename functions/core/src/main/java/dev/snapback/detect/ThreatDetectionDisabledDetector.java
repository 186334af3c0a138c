package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.EnableDetector;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.ReenableStandards;
import dev.snapback.remediate.Remediation;
import java.util.ArrayList;
import java.util.List;

/**
 * GuardDuty or Security Hub switched off in a region, the account's threat detection and its posture checks (AWS
 * Foundational Security Best Practices; the same blinding CIS 4.x names for trails and Config).
 *
 * <ul>
 *   <li>GuardDuty {@code UpdateDetector} with {@code enable} false: HIGH; the detector is enabled again
 *       ({@link EnableDetector}). The same call turning protection plans off ({@code features},
 *       {@code dataSources}) pages HIGH: the event does not hold what they were.</li>
 *   <li>GuardDuty {@code DeleteDetector}, and leaving the administrator account
 *       ({@code DisassociateFromAdministratorAccount}, its older name {@code DisassociateFromMasterAccount}): CRITICAL,
 *       paged; no one call brings either back.</li>
 *   <li>Security Hub {@code BatchDisableStandards}: HIGH; the same standards are subscribed again
 *       ({@link ReenableStandards}), from the standards the call's own answer names, never guessed.</li>
 *   <li>Security Hub {@code DisableSecurityHub}: CRITICAL, paged; enabling it again would not bring back its
 *       standards, integrations and findings.</li>
 * </ul>
 *
 * <p>Changes by a managed principal ({@code managedPrincipals}) are sanctioned.
 */
public record ThreatDetectionDisabledDetector(KeySettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "threat-detection-disabled",
            "GuardDuty or Security Hub disabled",
            Family.DETECTIVE,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("guardduty", "UpdateDetector", "DeleteDetector",
                            "DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount"),
                    EventPattern.apiCalls("securityhub", "BatchDisableStandards", "DisableSecurityHub")),
            IamGrant.allOf(EnableDetector.GRANTS, ReenableStandards.GRANTS));

    static final String DETECTOR = "AWS::GuardDuty::Detector";
    static final String HUB = "AWS::SecurityHub::Hub";

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        return switch (event.service()) {
            case "guardduty" -> guardDuty(event);
            case "securityhub" -> securityHub(event);
            default -> Verdict.clean(event.eventSource() + " is neither GuardDuty nor Security Hub");
        };
    }

    private static Verdict guardDuty(CloudTrailEvent event) {
        String detectorId = Fields.text(event.request(), "detectorId");
        if (detectorId == null) return review(event, "the request names no detector (detectorId absent)");
        ResourceRef detector = new ResourceRef(DETECTOR, detectorId);
        String where = " in " + event.region();
        return switch (event.eventName()) {
            case "UpdateDetector" -> {
                List<Finding> findings = new ArrayList<>();
                if (Boolean.FALSE.equals(Fields.bool(event.request(), "enable"))) {
                    findings.add(finding(event, Severity.HIGH, "GuardDuty detector " + detectorId + " disabled" + where,
                            detector, new EnableDetector(event.region(), detectorId)));
                }
                List<String> plans = plansTurnedOff(event.request());
                if (!plans.isEmpty()) {
                    findings.add(finding(event, Severity.HIGH, "GuardDuty protection plans turned off" + where + ": "
                            + String.join(", ", plans), detector, new PageOnly("the event does not hold how these plans"
                            + " were configured, so Snapback cannot restore them: turn them back on from the account's"
                            + " source of truth")));
                }
                yield findings.isEmpty() ? Verdict.clean("detector " + detectorId + " left enabled, its plans left on")
                        : Verdict.flagged(findings);
            }
            case "DeleteDetector" -> Verdict.flagged(finding(event, Severity.CRITICAL, "GuardDuty detector " + detectorId
                    + " deleted" + where, detector, new PageOnly("the detector was deleted, with its findings, filters and"
                    + " plans; a new one starts from nothing: recreate it from the account's source of truth")));
            case "DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount" -> Verdict.flagged(finding(event,
                    Severity.CRITICAL, "GuardDuty detector " + detectorId + " left its administrator account" + where, detector, new PageOnly("the account no longer sends"
                    + " its findings to the administrator; only the administrator can invite it again")));
            default -> Verdict.clean(event.eventName() + " does not switch GuardDuty off");
        };
    }

    private static Verdict securityHub(CloudTrailEvent event) {
        ResourceRef hub = new ResourceRef(HUB, event.region());
        if (!event.eventName().equals("DisableSecurityHub") && !event.eventName().equals("BatchDisableStandards")) {
            return Verdict.clean(event.eventName() + " does not switch Security Hub off");
        }
        if (event.eventName().equals("DisableSecurityHub")) {
            return Verdict.flagged(finding(event, Severity.CRITICAL, "Security Hub disabled in " + event.region(), hub,
                    new PageOnly("Security Hub was disabled, and its standards, integrations and findings with it;"
                            + " enabling it again restores none of them: enable it from the account's source of truth")));
        }
        List<String> removed = texts(field(event.request(), "StandardsSubscriptionArns"));
        if (removed.isEmpty()) return review(event, "the request names no standards subscription");
        List<ReenableStandards.Standard> standards = new ArrayList<>();
        for (String subscription : removed) {
            JsonNode answered = Fields.items(field(event.response(), "StandardsSubscriptions")).stream()
                    .filter(s -> subscription.equals(Fields.text(field(s, "StandardsSubscriptionArn")))).findFirst().orElse(null);
            String standard = answered == null ? null : Fields.text(field(answered, "StandardsArn"));
            JsonNode input = answered == null ? null : field(answered, "StandardsInput");
            if (standard == null || input.isObject() && !input.isEmpty()) {
                return Verdict.flagged(finding(event, Severity.HIGH, "Security Hub standards disabled in " + event.region(), hub,
                        new PageOnly("the call's answer does not name the standard of " + subscription + ", or it took"
                                + " input; Snapback never guesses one: subscribe to " + String.join(", ", removed) + " again")));
            }
            standards.add(new ReenableStandards.Standard(subscription, standard));
        }
        return Verdict.flagged(finding(event, Severity.HIGH, "Security Hub standards disabled in " + event.region() + ": "
                + String.join(", ", standards.stream().map(ReenableStandards.Standard::standardsArn).toList()), hub,
                new ReenableStandards(event.region(), standards)));
    }

    /** Protection plans the request turns off: {@code features} set DISABLED, or {@code dataSources} enable false. */
    static List<String> plansTurnedOff(JsonNode request) {
        List<String> plans = new ArrayList<>();
        for (JsonNode feature : Fields.items(request.path("features"))) {
            if ("DISABLED".equals(Fields.text(feature, "status"))) plans.add(String.valueOf(Fields.text(feature, "name")));
        }
        JsonNode sources = request.path("dataSources");
        if (Boolean.FALSE.equals(Fields.bool(sources, "s3Logs", "enable"))) plans.add("s3Logs");
        if (Boolean.FALSE.equals(Fields.bool(sources, "kubernetes", "auditLogs", "enable"))) plans.add("kubernetes.auditLogs");
        if (Boolean.FALSE.equals(Fields.bool(sources, "malwareProtection", "scanEc2InstanceWithFindings", "ebsVolumes"))) {
            plans.add("malwareProtection.ebsVolumes");
        }
        return plans;
    }

    /** Security Hub's records name their members as its API does (PascalCase); read the camelCase spelling too. */
    private static JsonNode field(JsonNode node, String pascalCase) {
        JsonNode value = node.path(pascalCase);
        return value.isMissingNode() ? node.path(Character.toLowerCase(pascalCase.charAt(0)) + pascalCase.substring(1)) : value;
    }

    private static List<String> texts(JsonNode list) {
        return Fields.items(list).stream().filter(JsonNode::isTextual).map(JsonNode::asText).filter(s -> !s.isBlank()).toList();
    }

    private static Finding finding(CloudTrailEvent event, Severity severity, String title, ResourceRef resource, Remediation fix) {
        return new Finding(SPEC.id(), severity, title, resource, fix, Facts.of(event, "resource", resource.id()), event);
    }

    private static Verdict review(CloudTrailEvent event, String why) {
        return Verdict.flagged(Finding.needsReview(SPEC.id(), event, why));
    }
}
