package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Evaluator;
import dev.snapback.remediate.DeactivateAccessKey;
import dev.snapback.remediate.DeactivateUserCredential;
import dev.snapback.remediate.DeleteKeyPair;
import dev.snapback.remediate.PageOnly;
import dev.snapback.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;


/** Edge cases of {@link UnmanagedKeyCreatedDetector} beyond the fixtures: allowlist exactness, odd shapes, secrets. */
class UnmanagedKeyCreatedDetectorTest {

    private static final String USER_CREATES = "unmanaged-key-created/finding/CreateAccessKey-iam-user-for-other-user.json";
    private static final String ROLE_CREATES = "unmanaged-key-created/finding/CreateAccessKey-assumed-role.json";
    private static final String ROOT_CREATES = "unmanaged-key-created/finding/CreateAccessKey-root-own-key.json";
    private static final String MANAGED_ROLE_CREATES = "unmanaged-key-created/ignored-by-detector/CreateAccessKey-managed-role.json";
    private static final String USER_REACTIVATES = "unmanaged-key-created/finding/UpdateAccessKey-reactivated-for-other-user.json";
    private static final String ROOT_REACTIVATES = "unmanaged-key-created/finding/UpdateAccessKey-root-own-key.json";
    private static final String KEY_PAIR_CREATED = "unmanaged-key-created/finding/CreateKeyPair-iam-user.json";

    private final UnmanagedKeyCreatedDetector detector = new UnmanagedKeyCreatedDetector(Fixtures.config().settings(KeySettings.class));

    @Test
    void theOwnerComesFromTheResponseNeverFromTheCaller() {
        Finding finding = onlyFinding(detector.evaluate(event(USER_CREATES)));

        assertThat(finding.proposed()).isEqualTo(
                new DeactivateAccessKey("svc-reporting", Fields.text(finding.cause().response(), "accessKey", "accessKeyId")));
        assertThat(finding.context()).containsEntry("actor", "user/alice").containsEntry("user", "svc-reporting");
    }

    @Test
    void aRequestAndResponseThatNameDifferentUsersPage() {
        Finding finding = onlyFinding(detector.evaluate(event(USER_CREATES, detail -> request(detail).put("userName", "someone-else"))));

        assertThat(((PageOnly) finding.proposed()).reason()).contains("someone-else", "svc-reporting", "unclear");
    }

    @Test
    void managedMeansExactlyTheConfiguredArn() {
        CloudTrailEvent lookalike = event(MANAGED_ROLE_CREATES, detail -> issuer(detail)
                .put("arn", "arn:aws:iam::111122223333:role/key-rotation-test"));
        CloudTrailEvent otherAccount = event(MANAGED_ROLE_CREATES, detail -> issuer(detail)
                .put("arn", "arn:aws:iam::444455556666:role/key-rotation"));
        CloudTrailEvent noIssuer = event(MANAGED_ROLE_CREATES, detail -> ((ObjectNode) detail.get("userIdentity"))
                .remove("sessionContext"));

        assertThat(detector.evaluate(event(MANAGED_ROLE_CREATES))).isInstanceOf(Verdict.Clean.class);
        assertThat(detector.evaluate(noIssuer)).as("the same role, named by its session only").isEqualTo(new Verdict.Clean(
                "made by the managed principal arn:aws:sts::111122223333:assumed-role/key-rotation/rotation-run-8813"
                        + " (session rotation-run-8813)"));
        for (CloudTrailEvent event : List.of(lookalike, otherAccount)) {
            assertThat(onlyFinding(detector.evaluate(event)).proposed()).isInstanceOf(DeactivateAccessKey.class);
        }
    }

    @Test
    void anSshKeyIsNamedByItsResponseInAnyLetterCaseAndPagesWhenTheResponseDoesNotNameItOrNamesItBlank() {
        String uploaded = "unmanaged-key-created/finding/UploadSSHPublicKey-for-other-user.json";
        CloudTrailEvent camelCased = event(uploaded, detail -> {
            ObjectNode response = (ObjectNode) detail.get("responseElements");
            ObjectNode key = (ObjectNode) response.remove("sSHPublicKey");
            key.set("sshPublicKeyId", key.remove("sSHPublicKeyId"));
            response.set("sshPublicKey", key);
        });
        CloudTrailEvent noId = event(uploaded, detail -> ((ObjectNode) detail.at("/responseElements/sSHPublicKey")).remove("sSHPublicKeyId"));
        CloudTrailEvent blankId = event(uploaded, detail -> ((ObjectNode) detail.at("/responseElements/sSHPublicKey")).put("sSHPublicKeyId", ""));
        CloudTrailEvent otherOwner = event(uploaded, detail -> request(detail).put("userName", "someone-else"));

        assertThat(onlyFinding(detector.evaluate(camelCased)).proposed()).isEqualTo(new DeactivateUserCredential(
                DeactivateUserCredential.Kind.SSH_PUBLIC_KEY, "svc-git", "APKAEIBAERJR2EXAMPLE"));
        assertThat(((PageOnly) onlyFinding(detector.evaluate(noId)).proposed()).reason())
                .contains("responseElements.sSHPublicKey.sSHPublicKeyId", "nothing was deactivated");
        assertThat(((PageOnly) onlyFinding(detector.evaluate(blankId)).proposed()).reason())
                .contains("responseElements.sSHPublicKey.sSHPublicKeyId", "nothing was deactivated");
        assertThat(((PageOnly) onlyFinding(detector.evaluate(otherOwner)).proposed()).reason()).contains("someone-else", "unclear");
    }

    @Test
    void aConsolePasswordPagesWhenCreatedOrSetForSomeoneElseByAnUnmanagedPrincipal() {
        String byAlice = "unmanaged-key-created/finding/CreateLoginProfile-for-other-user.json";
        CloudTrailEvent ownChange = event("unmanaged-key-created/ignored-by-detector/UpdateLoginProfile-own-password.json");
        CloudTrailEvent ownCreation = event(byAlice, detail -> request(detail).put("userName", "alice"));
        CloudTrailEvent callersOwn = event(byAlice, detail -> request(detail).remove("userName"));
        CloudTrailEvent byManaged = event(byAlice, detail -> ((ObjectNode) detail.get("userIdentity"))
                .put("arn", "arn:aws:iam::111122223333:user/ci-deployer").put("userName", "ci-deployer"));

        Finding finding = onlyFinding(detector.evaluate(event(byAlice)));
        assertThat(finding.resource()).isEqualTo(new ResourceRef("AWS::IAM::User", "bob"));
        assertThat(finding.context()).containsEntry("reset required at next sign-in", "no: the one who set it keeps knowing it");
        assertThat(finding.proposed()).isInstanceOf(PageOnly.class);
        assertThat(detector.evaluate(ownChange)).isEqualTo(new Verdict.Clean("user alice set their own console password"));
        assertThat(onlyFinding(detector.evaluate(ownCreation)).title())
                .as("a password made from access keys opens the console").isEqualTo("console password created for user alice by themself");
        assertThat(onlyFinding(detector.evaluate(callersOwn)).title()).isEqualTo("console password created for user alice by themself");
        assertThat(detector.evaluate(byManaged)).isInstanceOf(Verdict.Clean.class);
    }

    @Test
    void rootKeysPageEvenWhenRootIsListedAsManaged() {
        SnapbackConfig rootManaged = SnapbackConfig.fromJson("{\"managedPrincipals\":[\"arn:aws:iam::111122223333:root\"]}");
        var lenient = new UnmanagedKeyCreatedDetector(rootManaged.settings(KeySettings.class));

        assertThat(onlyFinding(lenient.evaluate(event(ROOT_CREATES))).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(onlyFinding(lenient.evaluate(event(ROOT_REACTIVATES))).severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void rootNamingItselfAsCloudTrailDoesIsStillRoot() {
        Finding finding = onlyFinding(detector.evaluate(event(ROOT_REACTIVATES,
                detail -> request(detail).put("userName", "AWS ROOT USER"))));

        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(finding.proposed()).isInstanceOf(PageOnly.class);
    }

    @Test
    void rootReactivatingAUsersKeyIsDeactivatedLikeAnyoneElses() {
        Finding finding = onlyFinding(detector.evaluate(event(ROOT_REACTIVATES, detail -> request(detail).put("userName", "legacy-app"))));

        assertThat(finding.proposed()).isEqualTo(new DeactivateAccessKey("legacy-app",
                Fields.text(finding.cause().request(), "accessKeyId")));
    }

    @Test
    void anUnclearStatusOrMissingKeyIdPages() {
        for (CloudTrailEvent event : List.of(
                event(USER_REACTIVATES, detail -> request(detail).remove("status")),
                event(USER_REACTIVATES, detail -> request(detail).put("status", "active")),
                event(USER_REACTIVATES, detail -> request(detail).put("status", true)),
                event(USER_REACTIVATES, detail -> request(detail).remove("accessKeyId")))) {
            Finding finding = onlyFinding(detector.evaluate(event));
            assertThat(finding.proposed()).as("%s", event.request()).isInstanceOf(PageOnly.class);
            assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        }
    }

    @Test
    void aCreatedKeyWithoutResponseIsNotDeactivatedByGuess() {
        Finding finding = onlyFinding(detector.evaluate(event(ROLE_CREATES, detail -> detail.putNull("responseElements"))));

        assertThat(((PageOnly) finding.proposed()).reason())
                .startsWith("the event has no responseElements.accessKey.accessKeyId");
    }

    @Test
    void aKeyPairWithoutNameInTheResponsePagesButKeepsTheRequestedName() {
        Finding finding = onlyFinding(detector.evaluate(event(KEY_PAIR_CREATED, detail -> response(detail).remove("keyName"))));

        assertThat(finding.proposed()).isInstanceOf(PageOnly.class);
        assertThat(finding.resource()).isEqualTo(new ResourceRef("AWS::EC2::KeyPair", "key-0a3f9c1e7b5d24680"));
        assertThat(finding.context()).containsEntry("key pair", "bastion-admin");
    }

    @Test
    void aKeyPairNamedLikeAnExemptResourceIsNotExempt() {
        CloudTrailEvent namedLikeTheBastionGroup = event(KEY_PAIR_CREATED, detail -> {
            request(detail).put("keyName", "sg-0bastion000000001");
            response(detail).put("keyName", "sg-0bastion000000001");
        });
        SnapbackConfig keyPairExempt = SnapbackConfig.fromJson(
                "{\"exemptResources\": {\"AWS::EC2::KeyPair\": [\"key-0a3f9c1e7b5d24680\"]}}");
        CloudTrailEvent namedLikeTheExemptKeyPair = event(KEY_PAIR_CREATED, detail -> {
            response(detail).remove("keyPairId");
            request(detail).put("keyName", "key-0a3f9c1e7b5d24680");
            response(detail).put("keyName", "key-0a3f9c1e7b5d24680");
        });

        Decision decision = onlyDecision(Fixtures.config(), namedLikeTheBastionGroup);
        assertThat(decision.action()).isEqualTo(Decision.Action.REMEDIATE);
        assertThat(decision.finding().proposed())
                .isEqualTo(new DeleteKeyPair("key-0a3f9c1e7b5d24680", "sg-0bastion000000001",
                        "Qm9Xh3zL8p1sT4vYcR2nW6aE0dF5gJ7kU9iO3bN1mMs="));
        assertThat(onlyDecision(keyPairExempt, event(KEY_PAIR_CREATED)).action()).isEqualTo(Decision.Action.EXEMPT);
        assertThat(onlyDecision(keyPairExempt, namedLikeTheExemptKeyPair).action()).isEqualTo(Decision.Action.REMEDIATE);
    }

    private Decision onlyDecision(SnapbackConfig config, CloudTrailEvent event) {
        Assessment assessment = new Evaluator(config, List.of(detector)).assess(detector, event);
        assertThat(assessment).isInstanceOf(Assessment.Decided.class);
        List<Decision> decisions = ((Assessment.Decided) assessment).decisions();
        assertThat(decisions).hasSize(1);
        return decisions.getFirst();
    }

    @Test
    void keyMaterialAndSecretsNeverReachAFinding() {
        String privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----b3BlbnNzaC1rZXktdjEAAAAA";
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        Finding keyPair = onlyFinding(detector.evaluate(event(KEY_PAIR_CREATED, detail -> response(detail).put("keyMaterial", privateKey))));
        Finding accessKey = onlyFinding(detector.evaluate(event(USER_CREATES,
                detail -> ((ObjectNode) response(detail).get("accessKey")).put("secretAccessKey", secret))));

        assertThat(visibleText(keyPair)).noneMatch(text -> text.contains(privateKey) || text.contains("HIDDEN_DUE_TO"));
        assertThat(visibleText(accessKey)).noneMatch(text -> text.contains(secret));
    }

    @Test
    void otherCallsAreClean() {
        CloudTrailEvent listing = event("unmanaged-key-created/ignored-by-pattern/ListAccessKeys-iam-user.json");

        assertThat(detector.evaluate(listing)).isEqualTo(new Verdict.Clean("ListAccessKeys creates no key"));
    }

    /** Everything of a finding that reaches a person or a log, except the raw event it cites. */
    private static List<String> visibleText(Finding finding) {
        List<String> text = new ArrayList<>(List.of(finding.title(), finding.resource().id(), finding.proposed().describe(),
                finding.proposed().toString()));
        text.addAll(finding.context().values());
        return text;
    }

    private static ObjectNode request(ObjectNode detail) {
        return (ObjectNode) detail.get("requestParameters");
    }

    private static ObjectNode response(ObjectNode detail) {
        return (ObjectNode) detail.get("responseElements");
    }

    private static ObjectNode issuer(ObjectNode detail) {
        return (ObjectNode) detail.get("userIdentity").get("sessionContext").get("sessionIssuer");
    }
}
