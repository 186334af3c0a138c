package dev.snapback.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.event.MalformedEventException;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Evaluator;
import dev.snapback.remediate.DeactivateAccessKey;
import dev.snapback.remediate.DeactivateUserCredential;
import dev.snapback.remediate.DeleteKeyPair;
import dev.snapback.remediate.EnableAlarmActions;
import dev.snapback.remediate.EnableDetector;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.PageOnBurst;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.PasswordPolicy;
import dev.snapback.remediate.QuarantineUser;
import dev.snapback.remediate.ReenableKey;
import dev.snapback.remediate.ReenableStandards;
import dev.snapback.remediate.ReleaseQuarantine;
import dev.snapback.remediate.RemoveNetworkAclEntry;
import dev.snapback.remediate.RemoveZeroConcurrency;
import dev.snapback.remediate.RestoreEventSelectors;
import dev.snapback.remediate.RejectVpcPeering;
import dev.snapback.remediate.RestorePasswordPolicy;
import dev.snapback.remediate.RestorePublicAccessBlock;
import dev.snapback.remediate.RestoreSecureTransportDeny;
import dev.snapback.remediate.RestoreQuarantinePolicy;
import dev.snapback.remediate.RestoreRule;
import dev.snapback.remediate.RestoreTrailSettings;
import dev.snapback.remediate.RevokeIngress;
import dev.snapback.remediate.Sanctioned;
import dev.snapback.remediate.StartConfigRecorder;
import dev.snapback.remediate.StartLogging;
import dev.snapback.testing.DamagedFixtures.Damaged;
import dev.snapback.testing.DamagedFixtures;
import dev.snapback.testing.Fixtures;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Damaged fixtures through the parser, then every detector and the evaluator: the only exception allowed out is the
 * parser's {@link MalformedEventException}. Detectors are also called directly, because the evaluator would turn a
 * detector's exception into a page and hide it.
 */
class DetectorPropertyTest {

    private static final Pattern USER_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:user/(?:[^/]+/)*([^/]+)");

    private static final List<Detector> DETECTORS = Fixtures.config().detectors();
    private static final Evaluator EVALUATOR = new Evaluator(Fixtures.config(), DETECTORS);

    @Property(tries = 1500)
    void mutatedEventsNeverBreakADetector(@ForAll("mutated") Damaged input) {
        Statistics.label("outcome").collect(judge(input.bytes()));
        Statistics.label("outcome").coverage(check -> check.check("flagged").percentage(p -> p > 10));
    }

    @Property(tries = 500)
    void truncatedEventsNeverBreakADetector(@ForAll("truncated") Damaged input) {
        judge(input.bytes());
    }

    private static String judge(byte[] json) {
        CloudTrailEvent event;
        try {
            event = EventParser.parse(json);
        } catch (MalformedEventException e) {
            return "malformed";
        }
        Set<String> eventTexts = texts(event.record());
        boolean flagged = false;
        for (Detector detector : DETECTORS) {
            if (detector.evaluate(event) instanceof Verdict.Flagged(List<Finding> findings)) {
                findings.forEach(finding -> assertWellFormed(detector.spec(), event, finding, eventTexts));
                flagged = true;
            }
        }
        for (Assessment assessment : EVALUATOR.assess(event)) {
            assertThat(assessment.event()).isSameAs(event);
        }
        return flagged ? "flagged" : "clean";
    }

    /**
     * A finding names its detector, its resource and a fix that is complete, never half-filled, and whose names of
     * users and keys are values the event itself holds, never guesses.
     */
    private static void assertWellFormed(DetectorSpec spec, CloudTrailEvent event, Finding finding,
                                         Set<String> eventTexts) {
        assertThat(finding.detectorId()).isEqualTo(spec.id());
        assertThat(finding.severity()).isNotNull();
        assertThat(finding.title()).isNotBlank();
        assertThat(finding.resource().id()).isNotBlank();
        assertThat(finding.cause()).isSameAs(event);
        assertThat(finding.context().values()).doesNotContainNull();
        switch (finding.proposed()) {
            case PageOnly(String reason) -> assertThat(reason).isNotBlank();
            case PageOnBurst burst -> {
                assertThat(burst.key()).isNotBlank();
                assertThat(burst.occurrence()).isNotBlank();
                assertThat(burst.reason()).isNotBlank();
            }
            case DeactivateAccessKey(String userName, String accessKeyId) -> {
                assertThat(userName).isNotBlank().isIn(eventTexts);
                assertThat(accessKeyId).isNotBlank().isIn(eventTexts);
            }
            case DeactivateUserCredential(var kind, String userName, String credentialId) -> {
                assertThat(userName).isNotBlank().isIn(eventTexts);
                assertThat(credentialId).isNotBlank().isIn(eventTexts);
            }
            case QuarantineUser(String userName) -> assertThat(userName).isNotBlank().isIn(eventTexts);
            case ReleaseQuarantine(String userName, boolean manual) -> assertThat(userName).isNotBlank().isIn(eventTexts);
            case DeleteKeyPair(String keyPairId, String keyName, String fingerprint) -> {
                assertThat(keyName).isNotBlank().isIn(eventTexts);
                if (keyPairId != null) assertThat(keyPairId).isIn(eventTexts);
                if (fingerprint != null) assertThat(fingerprint).isIn(eventTexts);
            }
            case RestoreQuarantinePolicy(String policyArn) -> assertThat(policyArn).isIn(eventTexts);
            case RevokeIngress(String groupId, List<IngressRule> rules) -> {
                assertThat(groupId).isNotBlank().isIn(eventTexts);
                assertThat(rules).isNotEmpty().allSatisfy(rule -> {
                    if (rule.ruleId() != null) assertThat(rule.ruleId()).isIn(eventTexts);
                    assertThat(rule.cidr()).isIn(stripped(eventTexts));
                });
            }
            case StartLogging(String trailArn, String homeRegion) -> assertTrailFromEvent(trailArn, eventTexts);
            case RestoreTrailSettings settings -> assertTrailFromEvent(settings.trailArn(), eventTexts);
            case RestoreEventSelectors selectors -> assertTrailFromEvent(selectors.trailArn(), eventTexts);
            case RestoreRule rule -> {
                assertThat(rule.ruleName()).isIn(eventTexts);
                assertThat(rule.region()).isEqualTo(event.region());
            }
            case EnableAlarmActions(String region, String alarmName) -> assertThat(alarmName).isIn(eventTexts);
            case RemoveZeroConcurrency(String region, String functionName) ->
                    assertThat(eventTexts).anyMatch(text -> text.contains(functionName));
            case ReenableKey(String region, String keyArn) ->
                    assertThat(eventTexts).anyMatch(text -> keyArn.endsWith(text) || text.equals(keyArn));
            case StartConfigRecorder(String region, String recorderName) -> {
                assertThat(recorderName).isNotBlank().isIn(eventTexts);
                assertThat(region).isEqualTo(event.region());
            }
            case EnableDetector(String region, String detectorId) -> {
                assertThat(detectorId).isNotBlank().isIn(eventTexts);
                assertThat(region).isEqualTo(event.region());
            }
            case ReenableStandards(String region, var standards) -> assertThat(standards).isNotEmpty().allSatisfy(standard -> {
                assertThat(standard.subscriptionArn()).isIn(eventTexts);
                assertThat(standard.standardsArn()).isIn(eventTexts);
            });
            case RemoveNetworkAclEntry(String networkAclId, int ruleNumber, IngressRule allowed) -> {
                assertThat(networkAclId).isNotBlank().isIn(eventTexts);
                assertThat(allowed.cidr()).isIn(eventTexts);
            }
            case RestorePublicAccessBlock(String accountId, String bucket, var eventSet) -> {
                assertThat(accountId).isEqualTo(event.account());
                if (bucket != null) assertThat(bucket).isIn(eventTexts);
            }
            case RejectVpcPeering(String peeringId, String requesterAccount) -> {
                assertThat(peeringId).isIn(eventTexts);
                assertThat(requesterAccount).isNotEqualTo(event.account());
            }
            case RestoreSecureTransportDeny(String accountId, String bucket, String eventPolicy) -> {
                assertThat(accountId).isEqualTo(event.account());
                assertThat(bucket).isIn(eventTexts);
            }
            case Sanctioned(String reason) -> assertThat(reason).isNotBlank();
            case RestorePasswordPolicy(PasswordPolicy baseline) ->
                    assertThat(baseline).isEqualTo(Fixtures.config().settings(PasswordSettings.class).baseline());
            case null -> throw new AssertionError("a finding without a proposed remediation: " + finding);
        }
    }

    /** The trail's ARN is in the event, or built from the trail name the event holds. */
    private static void assertTrailFromEvent(String trailArn, Set<String> eventTexts) {
        assertThat(trailArn).isNotBlank();
        if (!eventTexts.contains(trailArn)) {
            assertThat(trailArn).contains(":trail/");
            assertThat(trailArn.substring(trailArn.lastIndexOf(":trail/") + ":trail/".length())).isIn(eventTexts);
        }
    }

    /** The detectors trim what they read, so a value surrounded by blanks is still the event's own. */
    private static Set<String> stripped(Set<String> texts) {
        Set<String> out = new HashSet<>(texts);
        texts.forEach(text -> out.add(text.strip()));
        return out;
    }

    /** Every string of the record, and the user name of each IAM user ARN in it (the caller's, when it has no userName). */
    private static Set<String> texts(JsonNode node) {
        Set<String> texts = new HashSet<>();
        if (node.isTextual()) {
            texts.add(node.textValue());
            Matcher user = USER_ARN.matcher(node.textValue());
            if (user.matches()) texts.add(user.group(1));
        }
        node.elements().forEachRemaining(child -> texts.addAll(texts(child)));
        return texts;
    }

    @Provide
    Arbitrary<Damaged> mutated() {
        return DamagedFixtures.mutated();
    }

    @Provide
    Arbitrary<Damaged> truncated() {
        return DamagedFixtures.truncated();
    }
}
