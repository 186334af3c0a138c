package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.QuarantineUser;
import dev.snapback.remediate.ReleaseQuarantine;
import dev.snapback.testing.Fixtures;
import org.junit.jupiter.api.Test;


/** Edge cases of {@link MfaDeactivatedDetector} beyond the fixtures: odd or contradicting request parameters. */
class MfaDeactivatedDetectorTest {

    private static final String USER_DEACTIVATES = "mfa-deactivated/finding/DeactivateMFADevice-iam-user-own-device.json";
    private static final String ROLE_DEACTIVATES = "mfa-deactivated/finding/DeactivateMFADevice-assumed-role-for-user.json";
    private static final String ROLE_DELETES = "mfa-deactivated/finding/DeleteVirtualMFADevice-user-device.json";
    private static final String ROLE_ENABLES = "mfa-deactivated/finding/EnableMFADevice-assumed-role-for-user.json";

    private final MfaDeactivatedDetector detector = new MfaDeactivatedDetector(Fixtures.config().settings(MfaSettings.class));

    @Test
    void quarantinesTheUserTheRequestNamesNotTheCaller() {
        Finding finding = onlyFinding(detector.evaluate(event(ROLE_DEACTIVATES)));

        assertThat(finding.proposed()).isEqualTo(new QuarantineUser("bob"));
        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.title()).isEqualTo("MFA device deactivated for user bob");
        assertThat(finding.context()).containsOnlyKeys("actor", "source IP", "user", "MFA device")
                .containsEntry("actor", "role/AWSReservedSSO_AdministratorAccess_5f3c0a1b2d9e8f70 (session dana@example.com)")
                .containsEntry("user", "bob");
    }

    @Test
    void aRootSerialNumberPagesEvenWhenTheRequestNamesAUser() {
        Finding finding = onlyFinding(detector.evaluate(event(USER_DEACTIVATES,
                detail -> request(detail).put("serialNumber", "arn:aws:iam::111122223333:mfa/root-account-mfa-device"))));

        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(finding.proposed()).isInstanceOf(PageOnly.class);
        assertThat(finding.resource()).isEqualTo(new ResourceRef("AWS::IAM::RootUser", "arn:aws:iam::111122223333:root"));
    }

    @Test
    void rootFindingsNameRootByTheAccountEvenWhenTheCallersArnIsBlank() {
        Finding finding = onlyFinding(detector.evaluate(event(
                "mfa-deactivated/finding/DeactivateMFADevice-root-assumed-root-session.json",
                detail -> ((ObjectNode) detail.get("userIdentity")).put("arn", " "))));

        assertThat(finding.resource().id()).isEqualTo("arn:aws:iam::111122223333:root");
    }

    @Test
    void rootSecurityKeysAreRecognisedByTheirSerialNumber() {
        Finding finding = onlyFinding(detector.evaluate(event(ROLE_DEACTIVATES, detail -> {
            request(detail).remove("userName");
            request(detail).put("serialNumber", "arn:aws:iam::111122223333:u2f/root/root-key-AAAAEXAMPLE");
        })));

        assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(finding.proposed()).isInstanceOf(PageOnly.class);
    }

    @Test
    void aBlankOrMistypedUserNameCountsAsMissing() {
        Finding blank = onlyFinding(detector.evaluate(event(USER_DEACTIVATES, detail -> request(detail).put("userName", " "))));
        Finding number = onlyFinding(detector.evaluate(event(ROLE_DEACTIVATES, detail -> request(detail).put("userName", 42))));

        assertThat(blank.proposed()).as("IAM applies the call to the calling user").isEqualTo(new QuarantineUser("alice"));
        assertThat(number.proposed()).isInstanceOf(PageOnly.class);
        assertThat(((PageOnly) number.proposed()).reason()).contains("names no userName");
    }

    @Test
    void withoutRequestParametersAUserCallerIsStillTheOwnerButARoleIsNot() {
        Finding byUser = onlyFinding(detector.evaluate(event(USER_DEACTIVATES, detail -> detail.putNull("requestParameters"))));
        Finding byRole = onlyFinding(detector.evaluate(event(ROLE_DEACTIVATES, detail -> detail.remove("requestParameters"))));

        assertThat(byUser.proposed()).isEqualTo(new QuarantineUser("alice"));
        assertThat(byRole.proposed()).isInstanceOf(PageOnly.class);
        assertThat(byRole.resource().type()).as("no serial number either").isEqualTo("AWS::CloudTrail::Event");
    }

    @Test
    void aDeletionWithoutSerialNumberSaysSo() {
        Finding finding = onlyFinding(detector.evaluate(event(ROLE_DELETES, detail -> request(detail).remove("serialNumber"))));

        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(((PageOnly) finding.proposed()).reason()).startsWith("the event names no serial number");
        assertThat(finding.resource().id()).isEqualTo(finding.cause().eventId());
    }

    @Test
    void aDeletedDeviceNamedAfterAUserIsNotTakenForThatUsers() {
        Finding finding = onlyFinding(detector.evaluate(event(ROLE_DELETES,
                detail -> request(detail).put("serialNumber", "arn:aws:iam::111122223333:mfa/alice"))));

        assertThat(finding.proposed()).isInstanceOf(PageOnly.class);
    }

    @Test
    void enablingMfaWithoutAKnownOwnerPagesAtLowSeverity() {
        Finding finding = onlyFinding(detector.evaluate(event(ROLE_ENABLES, detail -> request(detail).remove("userName"))));

        assertThat(finding.severity()).isEqualTo(Severity.LOW);
        assertThat(((PageOnly) finding.proposed()).reason()).endsWith("no quarantine was released");
    }

    @Test
    void aUserReEnrollingThemselfLiftsTheQuarantineButPagesHigh() {
        Finding finding = onlyFinding(detector.evaluate(event("mfa-deactivated/finding/EnableMFADevice-iam-user.json")));

        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.proposed()).isEqualTo(new ReleaseQuarantine("alice", false));
        assertThat(finding.context()).containsEntry("MFA device", "arn:aws:iam::111122223333:mfa/alice-phone-2")
                .containsEntry("check", "user alice enrolled device arn:aws:iam::111122223333:mfa/alice-phone-2 themself"
                        + " (user/alice from 203.0.113.77), which lifts a quarantine; whoever holds the password can do"
                        + " that, so make sure it was alice");
    }

    @Test
    void anotherPrincipalEnablingAUsersMfaReleasesAtHighSeverityNamingDeviceWhoAndWhere() {
        Finding finding = onlyFinding(detector.evaluate(event(ROLE_ENABLES)));

        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.proposed()).isEqualTo(new ReleaseQuarantine("bob", false));
        assertThat(finding.context().get("check")).startsWith(finding.context().get("actor") + " enrolled device ")
                .contains(" for user bob from " + finding.context().get("source IP"));
    }

    @Test
    void withManualReleaseTheQuarantineStaysForAnOperator() {
        var manual = new MfaDeactivatedDetector(new MfaSettings(MfaSettings.QuarantineRelease.MANUAL));

        assertThat(onlyFinding(manual.evaluate(event(ROLE_ENABLES))).proposed()).isEqualTo(new ReleaseQuarantine("bob", true));
    }

    @Test
    void otherCallsAreClean() {
        CloudTrailEvent listing = event("mfa-deactivated/ignored-by-pattern/ListMFADevices-iam-user.json");

        assertThat(detector.evaluate(listing)).isEqualTo(new Verdict.Clean("ListMFADevices does not change MFA"));
    }

    private static ObjectNode request(ObjectNode detail) {
        return (ObjectNode) detail.get("requestParameters");
    }
}
