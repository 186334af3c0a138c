package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.snapback.testing.AwsAnswers.AMZ_JSON_11;
import static dev.snapback.testing.AwsAnswers.CLOUDTRAIL;
import static dev.snapback.testing.AwsAnswers.IAM_NS;
import static dev.snapback.testing.AwsStub.ec2Error;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.queryError;
import static dev.snapback.testing.AwsStub.scope;
import static dev.snapback.testing.AwsStub.target;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsAnswers.PresentRule;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.EditedFixture;
import dev.snapback.testing.TestEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


/**
 * Each remediation kind's real SDK v2 calls, asserted on the wire against AWS's documented response shapes: the read
 * of the present state first, then the write only of what is still offending, or no write at all.
 */
class SdkRemediationExecutorTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsAnswers ANSWER = new AwsAnswers(AWS);
    private static final String GROUP = "sg-0abc1234def567890";
    private static final String QUARANTINE = "arn:aws:iam::111122223333:policy/SnapbackMfaQuarantine";
    private static final String TRAIL = "arn:aws:cloudtrail:us-west-2:111122223333:trail/org-trail";
    private static final String KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final IngressRule SSH = new IngressRule("sgr-0fedcba9876543210", "tcp", 22, 22, "0.0.0.0/0");
    private static final IngressRule RDP = new IngressRule("sgr-0123456789abcdef0", "tcp", 3389, 3389, "::/0");

    private static SdkRemediationExecutor executor;
    /** An EC2 event in eu-west-1 and an IAM event in us-east-1 (IAM is global), both at 2026-11-27T09:41:12Z. */
    private static CloudTrailEvent ec2Event;
    private static CloudTrailEvent iamEvent;

    @BeforeAll
    static void setUp() {
        executor = new SdkRemediationExecutor(AWS.clients());
        ec2Event = TestEvents.event(TestEvents.SG_WORLD_SSH);
        iamEvent = TestEvents.event(TestEvents.MFA_DEACTIVATED);
    }

    @Test
    void readsTheGroupsRulesThenRevokesExactlyTheRuleIdsInTheEventsRegion() {
        ANSWER.securityGroupRules(GROUP, List.of(PresentRule.of(SSH, SSH.ruleId()), PresentRule.of(RDP, RDP.ruleId())));
        ANSWER.revokeSucceeds();

        Outcome outcome = executor.execute(new RevokeIngress(GROUP, List.of(SSH, RDP)), ec2Event);

        List<LoggedRequest> calls = calls();
        assertThat(form(calls.get(0))).isEqualTo(Map.of("Action", "DescribeSecurityGroupRules", "Version", "2016-11-15",
                "Filter.1.Name", "group-id", "Filter.1.Value.1", GROUP));
        assertThat(form(calls.get(1))).isEqualTo(Map.of(
                "Action", "RevokeSecurityGroupIngress", "Version", "2016-11-15", "GroupId", GROUP,
                "SecurityGroupRuleId.1", "sgr-0fedcba9876543210", "SecurityGroupRuleId.2", "sgr-0123456789abcdef0"));
        assertThat(calls).allSatisfy(call -> assertThat(scope(call)).isEqualTo("eu-west-1/ec2"));
        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("revoke sgr-0fedcba9876543210, sgr-0123456789abcdef0 on sg-0abc1234def567890 in eu-west-1"),
                List.of("aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0abc1234def567890"
                        + " --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'"
                        + " 'IpProtocol=tcp,FromPort=3389,ToPort=3389,Ipv6Ranges=[{CidrIpv6=::/0}]'")));
    }

    @Test
    void aRuleNarrowedSinceTheEventIsLeftAloneAndTheOthersAreRevoked() {
        ANSWER.securityGroupRules(GROUP, List.of(
                new PresentRule(SSH.ruleId(), false, "tcp", 22, 22, "10.0.0.0/8"), PresentRule.of(RDP, RDP.ruleId())));
        ANSWER.revokeSucceeds();

        Outcome outcome = executor.execute(new RevokeIngress(GROUP, List.of(SSH, RDP)), ec2Event);

        assertThat(form(calls().getLast())).containsEntry("SecurityGroupRuleId.1", "sgr-0123456789abcdef0")
                .doesNotContainKey("SecurityGroupRuleId.2");
        assertThat(((Outcome.Remediated) outcome).actions()).containsExactly("revoke sgr-0123456789abcdef0 on"
                + " sg-0abc1234def567890 in eu-west-1 (1 of 2 left alone: sgr-0fedcba9876543210 (22/tcp from 0.0.0.0/0):"
                + " now 22/tcp from 10.0.0.0/8)");
        assertThat(((Outcome.Remediated) outcome).inverses().getFirst()).doesNotContain("FromPort=22,");
    }

    @Test
    void whenEveryRuleChangedSinceNothingIsRevoked() {
        ANSWER.securityGroupRules(GROUP, List.of(new PresentRule(SSH.ruleId(), false, "tcp", 22, 22, "10.0.0.0/8")));

        Outcome outcome = executor.execute(sshRule(), ec2Event);

        assertThat(outcome).isEqualTo(new Outcome.Superseded("sg-0abc1234def567890 changed since the event and is left"
                + " as it is (sgr-0fedcba9876543210 (22/tcp from 0.0.0.0/0): now 22/tcp from 10.0.0.0/8)"));
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("DescribeSecurityGroupRules");
    }

    @Test
    void rulesThatAreGoneOrEgressHaveNothingToRevoke() {
        ANSWER.securityGroupRules(GROUP, List.of(new PresentRule(RDP.ruleId(), true, "tcp", 3389, 3389, "::/0")));

        Outcome outcome = executor.execute(new RevokeIngress(GROUP, List.of(SSH, RDP)), ec2Event);

        assertThat(outcome).isEqualTo(new Outcome.AlreadyCompliant("nothing left to revoke on sg-0abc1234def567890"
                + " (sgr-0fedcba9876543210 (22/tcp from 0.0.0.0/0): no longer exists; sgr-0123456789abcdef0"
                + " (3389/tcp from ::/0): an egress rule, so there is no ingress to revoke)"));
        assertThat(calls()).hasSize(1);
    }

    @Test
    void anEventWithoutRuleIdsFindsTheRuleByItsExactPermissionAndRevokesItById() {
        ANSWER.securityGroupRules(GROUP, List.of(
                new PresentRule("sgr-0aaaaaaaaaaaaaaa1", false, "tcp", 5432, 5432, "10.0.0.0/8"),
                new PresentRule("sgr-0aaaaaaaaaaaaaaa2", false, "tcp", 5432, 5432, "0.0.0.0/0"),
                new PresentRule("sgr-0aaaaaaaaaaaaaaa3", false, "-1", -1, -1, "::/0")));
        ANSWER.revokeSucceeds();

        Outcome outcome = executor.execute(new RevokeIngress(GROUP, List.of(
                new IngressRule(null, "tcp", 5432, 5432, "0.0.0.0/0"), new IngressRule(null, "-1", null, null, "::/0"))), ec2Event);

        assertThat(form(calls().getLast())).containsEntry("SecurityGroupRuleId.1", "sgr-0aaaaaaaaaaaaaaa2")
                .containsEntry("SecurityGroupRuleId.2", "sgr-0aaaaaaaaaaaaaaa3").doesNotContainKey("IpPermissions.1.IpProtocol");
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly("aws ec2 authorize-security-group-ingress"
                + " --region eu-west-1 --group-id sg-0abc1234def567890 --ip-permissions"
                + " 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]'");
    }

    @Test
    void aRuleDeletedBetweenTheReadAndTheRevokeIsRetriedRuleByRule() {
        ANSWER.securityGroupRules(GROUP, List.of(PresentRule.of(SSH, SSH.ruleId()), PresentRule.of(RDP, RDP.ruleId())));
        // A non-default VPC revokes nothing when one rule of the call is missing.
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("SecurityGroupRuleId.2"))
                .willReturn(ec2Error(400, "InvalidSecurityGroupRuleId.NotFound",
                        "The security group rule ID 'sgr-0123456789abcdef0' does not exist")));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("sgr-0fedcba9876543210"))
                .withRequestBody(notContaining("SecurityGroupRuleId.2")).willReturn(xml(200, revokeResponse())));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("sgr-0123456789abcdef0"))
                .withRequestBody(notContaining("SecurityGroupRuleId.2")).willReturn(ec2Error(400,
                        "InvalidSecurityGroupRuleId.NotFound", "The security group rule ID 'sgr-0123456789abcdef0' does not exist")));

        Outcome outcome = executor.execute(new RevokeIngress(GROUP, List.of(SSH, RDP)), ec2Event);

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("DescribeSecurityGroupRules",
                "RevokeSecurityGroupIngress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupIngress");
        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1 (1 of 2 left alone:"
                        + " sgr-0123456789abcdef0 (3389/tcp from ::/0): InvalidSecurityGroupRuleId.NotFound: The security"
                        + " group rule ID 'sgr-0123456789abcdef0' does not exist)"),
                List.of("aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0abc1234def567890"
                        + " --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'")));
    }

    @Test
    void aPartialRevokeThatThenFailsSaysWhatWasRevokedAndHowToUndoIt() {
        ANSWER.securityGroupRules(GROUP, List.of(PresentRule.of(SSH, SSH.ruleId()), PresentRule.of(RDP, RDP.ruleId())));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("SecurityGroupRuleId.2"))
                .willReturn(ec2Error(400, "InvalidSecurityGroupRuleId.NotFound", "The security group rule ID does not exist")));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("sgr-0fedcba9876543210"))
                .withRequestBody(notContaining("SecurityGroupRuleId.2")).willReturn(xml(200, revokeResponse())));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("sgr-0123456789abcdef0"))
                .withRequestBody(notContaining("SecurityGroupRuleId.2"))
                .willReturn(ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")));

        assertThat(executor.execute(new RevokeIngress(GROUP, List.of(SSH, RDP)), ec2Event)).isEqualTo(new Outcome.Failed(
                "sgr-0123456789abcdef0 (3389/tcp from ::/0): UnauthorizedOperation: You are not authorized to perform this"
                        + " operation.; revoked before the failure: revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in"
                        + " eu-west-1; inverse: aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id"
                        + " sg-0abc1234def567890 --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'"));
    }

    @Test
    void throttlingIsRetriedByTheSdkThenSucceeds() {
        ANSWER.securityGroupRules(GROUP, List.of(PresentRule.of(SSH, SSH.ruleId())));
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("throttle").whenScenarioStateIs(STARTED)
                .willReturn(ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.")).willSetStateTo("calm"));
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("throttle").whenScenarioStateIs("calm")
                .willReturn(xml(200, revokeResponse())));

        assertThat(executor.execute(sshRule(), ec2Event)).isInstanceOf(Outcome.Remediated.class);
        assertThat(calls()).extracting(AwsStub::operation)
                .containsExactly("DescribeSecurityGroupRules", "RevokeSecurityGroupIngress", "RevokeSecurityGroupIngress");
    }

    @Test
    void aServerErrorIsRetriedThenSucceeds() {
        ANSWER.accessKey("alice", "AKIAEXAMPLENEWKEY001", "Active");
        AWS.stubFor(query("UpdateAccessKey").inScenario("5xx").whenScenarioStateIs(STARTED)
                .willReturn(queryError(500, "ServiceFailure", "Internal failure.")).willSetStateTo("up"));
        AWS.stubFor(query("UpdateAccessKey").inScenario("5xx").whenScenarioStateIs("up")
                .willReturn(xml(200, "<UpdateAccessKeyResponse " + IAM_NS + "><ResponseMetadata><RequestId>r</RequestId>"
                        + "</ResponseMetadata></UpdateAccessKeyResponse>")));

        assertThat(executor.execute(new DeactivateAccessKey("alice", "AKIAEXAMPLENEWKEY001"), iamEvent))
                .isInstanceOf(Outcome.Remediated.class);
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("ListAccessKeys", "UpdateAccessKey", "UpdateAccessKey");
    }

    @Test
    void aPermanentErrorIsAFailureWithTheAwsErrorCode() {
        ANSWER.securityGroupRules(GROUP, List.of(PresentRule.of(SSH, SSH.ruleId())));
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(
                ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")));

        assertThat(executor.execute(sshRule(), ec2Event))
                .isEqualTo(new Outcome.Failed("UnauthorizedOperation: You are not authorized to perform this operation."));
        assertThat(calls()).as("not retried").hasSize(2);
    }

    @Test
    void aReadThatIsRefusedIsAFailureAndNothingIsWritten() {
        AWS.stubFor(query("DescribeSecurityGroupRules").willReturn(
                ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")));

        assertThat(executor.execute(sshRule(), ec2Event)).isInstanceOf(Outcome.Failed.class);
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("DescribeSecurityGroupRules");
    }

    @Test
    void startsLoggingInTheTrailsHomeRegionOnlyWhileItIsStopped() throws Exception {
        ANSWER.trailStatus(false);
        ANSWER.cloudTrailOk("StartLogging");

        Outcome outcome = executor.execute(new StartLogging(TRAIL, "us-west-2"), ec2Event);

        List<LoggedRequest> calls = calls();
        assertThat(calls).extracting(AwsStub::operation).containsExactly("GetTrailStatus", "StartLogging");
        assertThat(JSON.readTree(calls.get(0).getBodyAsString())).isEqualTo(JSON.readTree("{\"Name\":\"" + TRAIL + "\"}"));
        assertThat(JSON.readTree(calls.get(1).getBodyAsString())).isEqualTo(JSON.readTree("{\"Name\":\"" + TRAIL + "\"}"));
        assertThat(calls.get(1).getHeader("Content-Type")).startsWith(AMZ_JSON_11);
        assertThat(calls).allSatisfy(call -> assertThat(scope(call)).isEqualTo("us-west-2/cloudtrail"));
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly(
                "aws cloudtrail stop-logging --region us-west-2 --name " + TRAIL);

        AWS.resetAll();
        ANSWER.trailStatus(true);
        assertThat(executor.execute(new StartLogging(TRAIL, "us-west-2"), ec2Event)).isInstanceOf(Outcome.AlreadyCompliant.class);
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetTrailStatus");
    }

    @Test
    void aDeletedTrailIsAlreadyCompliant() {
        AWS.stubFor(target(CLOUDTRAIL + "GetTrailStatus").willReturn(json(400, AMZ_JSON_11,
                "{\"__type\":\"TrailNotFoundException\",\"message\":\"Unknown trail: " + TRAIL + " for the user: 111122223333\"}")));

        assertThat(executor.execute(new StartLogging(TRAIL, "us-west-2"), ec2Event)).isInstanceOf(Outcome.AlreadyCompliant.class);
    }

    @Test
    void restoresOnlyTheTrailSettingsThatAreStillWeakened() throws Exception {
        CloudTrailEvent dropped = trailUpdate("");
        ANSWER.trail(TRAIL, "\"IsMultiRegionTrail\":false,\"IncludeGlobalServiceEvents\":true,\"LogFileValidationEnabled\":true");
        ANSWER.cloudTrailOk("UpdateTrail");

        Outcome outcome = executor.execute(new RestoreTrailSettings(TRAIL, "us-west-2", true, null, true, KEY), dropped);

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetTrail", "UpdateTrail");
        assertThat(JSON.readTree(calls().getLast().getBodyAsString())).as("validation is on again; the key is still dropped")
                .isEqualTo(JSON.readTree("{\"Name\":\"%s\",\"IsMultiRegionTrail\":true,\"KmsKeyId\":\"%s\"}".formatted(TRAIL, KEY)));
        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("restore multi-region, KMS encryption on " + TRAIL + " (log file validation is on again)"),
                List.of("aws cloudtrail update-trail --region us-west-2 --name " + TRAIL
                        + " --no-is-multi-region-trail --kms-key-id \"\"")));
    }

    @Test
    void aKmsKeyChosenSinceTheEventIsLeftAlone() {
        String chosenSince = "arn:aws:kms:us-west-2:111122223333:key/99999999-aaaa-bbbb-cccc-000000000000";
        ANSWER.trail(TRAIL, "\"KmsKeyId\":\"" + chosenSince + "\"");

        Outcome outcome = executor.execute(new RestoreTrailSettings(TRAIL, "us-west-2", null, null, null, KEY), trailUpdate(""));

        assertThat(outcome).isEqualTo(new Outcome.Superseded("the KMS key is now " + chosenSince + ", set since the event;"
                + " left as it is"));
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetTrail");
    }

    @Test
    void putsBackEventSelectorsOnlyWhileTheyAreTheOnesTheEventSet() throws Exception {
        CloudTrailEvent cause = EditedFixture.event("trail-tampered/finding/PutEventSelectors-advanced-management-removed.json");
        String setByEvent = EventSelectorsJson.setBy(cause, true).orElseThrow();
        String corrected = "[{\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]}]";
        ANSWER.eventSelectors(TRAIL, setByEvent, true);
        ANSWER.cloudTrailOk("PutEventSelectors");

        Outcome outcome = executor.execute(new RestoreEventSelectors(TRAIL, "us-west-2", corrected, true), cause);

        List<LoggedRequest> calls = calls();
        assertThat(calls).extracting(AwsStub::operation).containsExactly("GetEventSelectors", "PutEventSelectors");
        assertThat(JSON.readTree(calls.get(0).getBodyAsString())).isEqualTo(JSON.readTree("{\"TrailName\":\"" + TRAIL + "\"}"));
        JsonNode put = JSON.readTree(calls.get(1).getBodyAsString());
        assertThat(put.get("AdvancedEventSelectors")).isEqualTo(JSON.readTree(corrected));
        assertThat(put.has("EventSelectors")).isFalse();
        String inverse = ((Outcome.Remediated) outcome).inverses().getFirst();
        assertThat(inverse).isEqualTo("aws cloudtrail put-event-selectors --region us-west-2 --trail-name " + TRAIL
                + " --advanced-event-selectors '" + setByEvent + "'");
    }

    @Test
    void selectorsSetAnewSinceTheEventAreLeftAlone() {
        CloudTrailEvent cause = EditedFixture.event("trail-tampered/finding/PutEventSelectors-management-events-dropped.json");
        ANSWER.eventSelectors(TRAIL, "[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true,\"DataResources\":[],"
                + "\"ExcludeManagementEventSources\":[\"kms.amazonaws.com\"]}]", false);

        Outcome outcome = executor.execute(new RestoreEventSelectors(TRAIL, "us-west-2",
                "[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]", false), cause);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetEventSelectors");
    }

    @Test
    void theSameSelectorsWithCloudTrailsDefaultsFilledInAreStillTheEventsOwn() {
        CloudTrailEvent cause = EditedFixture.event("trail-tampered/finding/PutEventSelectors-management-events-dropped.json");
        String present = EventSelectorsJson.setBy(cause, false).orElseThrow()
                .replace("{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":false",
                        "{\"ExcludeManagementEventSources\":[],\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":false");
        ANSWER.eventSelectors(TRAIL, present, false);
        ANSWER.cloudTrailOk("PutEventSelectors");

        executor.execute(new RestoreEventSelectors(TRAIL, "us-west-2",
                "[{\"ReadWriteType\":\"WriteOnly\",\"IncludeManagementEvents\":true}]", false), cause);

        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetEventSelectors", "PutEventSelectors");
    }

    @Test
    void unreadableSelectorsFailWithoutWriting() {
        CloudTrailEvent cause = EditedFixture.event("trail-tampered/finding/PutEventSelectors-management-events-dropped.json");
        ANSWER.eventSelectors(TRAIL, EventSelectorsJson.setBy(cause, false).orElseThrow(), false);

        Outcome outcome = executor.execute(new RestoreEventSelectors(TRAIL, "us-west-2",
                "[{\"ReadWriteType\":\"All\",\"IncludeManagmentEvents\":true}]", false), cause);

        assertThat(outcome).isEqualTo(new Outcome.Failed("IllegalArgumentException: EventSelectors[]: unknown field IncludeManagmentEvents"));
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("GetEventSelectors");
    }

    @Test
    void deactivatesExactlyTheNewKeyWhileItIsActiveThroughTheGlobalIamEndpoint() {
        ANSWER.accessKey("bob", "AKIAEXAMPLENEWKEY001", "Active");
        ANSWER.iamOk("UpdateAccessKey");

        Outcome outcome = executor.execute(new DeactivateAccessKey("bob", "AKIAEXAMPLENEWKEY001"), ec2Event);

        List<LoggedRequest> calls = calls();
        assertThat(form(calls.get(0))).isEqualTo(Map.of("Action", "ListAccessKeys", "Version", "2010-05-08", "UserName", "bob"));
        assertThat(form(calls.get(1))).isEqualTo(Map.of(
                "Action", "UpdateAccessKey", "Version", "2010-05-08",
                "UserName", "bob", "AccessKeyId", "AKIAEXAMPLENEWKEY001", "Status", "Inactive"));
        assertThat(calls).allSatisfy(call -> assertThat(scope(call)).as("IAM is signed for us-east-1 whatever the event's region")
                .isEqualTo("us-east-1/iam"));
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly(
                "aws iam update-access-key --user-name bob --access-key-id AKIAEXAMPLENEWKEY001 --status Active");
    }

    @Test
    void aKeyThatIsInactiveOrGoneIsLeftAlone() {
        ANSWER.accessKey("bob", "AKIAEXAMPLENEWKEY001", "Inactive");
        assertThat(executor.execute(new DeactivateAccessKey("bob", "AKIAEXAMPLENEWKEY001"), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("access key AKIAEXAMPLENEWKEY001 is already Inactive"));

        AWS.resetAll();
        ANSWER.noAccessKeys();
        assertThat(executor.execute(new DeactivateAccessKey("bob", "AKIAEXAMPLENEWKEY001"), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("access key AKIAEXAMPLENEWKEY001 no longer exists"));

        AWS.resetAll();
        AWS.stubFor(query("ListAccessKeys").willReturn(queryError(404, "NoSuchEntity", "The user with name bob cannot be found.")));
        assertThat(executor.execute(new DeactivateAccessKey("bob", "AKIAEXAMPLENEWKEY001"), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("NoSuchEntity: The user with name bob cannot be found."));
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("ListAccessKeys");
    }

    @Test
    void deletesTheKeyPairByIdInTheEventsRegion() {
        ANSWER.keyPairs(new String[] {"key-0a1b2c3d4e5f60001", "laptop", "ab:cd"}, new String[] {"key-0ffffffffffffffff", "other", "ef"});
        ANSWER.deleteKeyPairSucceeds();

        Outcome outcome = executor.execute(new DeleteKeyPair("key-0a1b2c3d4e5f60001", "laptop", "ab:cd"), ec2Event);

        List<LoggedRequest> calls = calls();
        assertThat(form(calls.get(0))).isEqualTo(Map.of("Action", "DescribeKeyPairs", "Version", "2016-11-15",
                "KeyPairId.1", "key-0a1b2c3d4e5f60001"));
        assertThat(form(calls.get(1))).isEqualTo(Map.of(
                "Action", "DeleteKeyPair", "Version", "2016-11-15", "KeyPairId", "key-0a1b2c3d4e5f60001"));
        assertThat(calls).allSatisfy(call -> assertThat(scope(call)).isEqualTo("eu-west-1/ec2"));
        assertThat(outcome).isInstanceOf(Outcome.Remediated.class);
    }

    @Test
    void anOldEventsKeyPairIsDeletedByTheIdOfThePairWithItsNameAndFingerprint() {
        ANSWER.keyPairs(new String[] {"key-0a1b2c3d4e5f60001", "laptop", "30:1d:46"});
        ANSWER.deleteKeyPairSucceeds();

        executor.execute(new DeleteKeyPair(null, "laptop", "30:1d:46"), ec2Event);

        assertThat(form(calls().get(0))).containsEntry("KeyName.1", "laptop");
        assertThat(form(calls().get(1))).isEqualTo(Map.of("Action", "DeleteKeyPair", "Version", "2016-11-15",
                "KeyPairId", "key-0a1b2c3d4e5f60001"));
    }

    @Test
    void aNewerKeyPairThatReusesTheNameIsNeverDeleted() {
        ANSWER.keyPairs(new String[] {"key-0newer0000000001", "laptop", "99:99:99"});

        Outcome outcome = executor.execute(new DeleteKeyPair(null, "laptop", "30:1d:46"), ec2Event);

        assertThat(outcome).isEqualTo(new Outcome.Superseded("key pair laptop is now key-0newer0000000001 with fingerprint"
                + " 99:99:99, not the event's 30:1d:46: a newer key pair reuses the name, and it is left alone"));
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("DescribeKeyPairs");
    }

    @Test
    void aKeyPairThatIsGoneIsAlreadyCompliant() {
        ANSWER.keyPairs();

        assertThat(executor.execute(new DeleteKeyPair("key-0a1b2c3d4e5f60001", "laptop", null), ec2Event))
                .isEqualTo(new Outcome.AlreadyCompliant("key pair key-0a1b2c3d4e5f60001 no longer exists"));
        assertThat(calls()).hasSize(1);
    }

    @Test
    void quarantinesOnlyAUserWithoutMfaAndOnlyWithSnapbacksOwnDocument() {
        ANSWER.mfaDevices();
        ANSWER.attachedPolicies("arn:aws:iam::aws:policy/ReadOnlyAccess");
        ANSWER.policy(QUARANTINE, "v1", QuarantinePolicy.document("aws", "111122223333"));
        ANSWER.iamOk("AttachUserPolicy");

        Outcome outcome = executor.execute(new QuarantineUser("alice"), iamEvent);

        List<LoggedRequest> calls = calls();
        assertThat(calls).extracting(AwsStub::operation).containsExactly("ListMFADevices", "ListAttachedUserPolicies",
                "GetPolicy", "GetPolicyVersion", "AttachUserPolicy");
        assertThat(form(calls.get(2))).isEqualTo(Map.of("Action", "GetPolicy", "Version", "2010-05-08", "PolicyArn", QUARANTINE));
        assertThat(form(calls.get(3))).isEqualTo(Map.of("Action", "GetPolicyVersion", "Version", "2010-05-08",
                "PolicyArn", QUARANTINE, "VersionId", "v1"));
        assertThat(form(calls.get(4))).isEqualTo(Map.of("Action", "AttachUserPolicy", "Version", "2010-05-08",
                "UserName", "alice", "PolicyArn", QUARANTINE));
        assertThat(calls).allSatisfy(call -> assertThat(scope(call)).isEqualTo("us-east-1/iam"));
        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("quarantine user alice until MFA is re-enabled (attached " + QUARANTINE + ", default version v1 checked)"),
                List.of("aws iam detach-user-policy --user-name alice --policy-arn " + QUARANTINE)));
    }

    @Test
    void aTamperedQuarantinePolicyIsNeverAttached() {
        ANSWER.mfaDevices();
        ANSWER.attachedPolicies();
        ANSWER.policy(QUARANTINE, "v2", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");

        Outcome outcome = executor.execute(new QuarantineUser("alice"), iamEvent);

        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(outcome.detail()).startsWith("the default version v2 of " + QUARANTINE + " is not Snapback's deny-only document");
        assertThat(calls()).extracting(AwsStub::operation).doesNotContain("AttachUserPolicy");
    }

    @Test
    void theQuarantineDocumentIsComparedAsNormalizedJson() throws Exception {
        ObjectNode reordered = (ObjectNode) JSON.readTree(QuarantinePolicy.document("aws", "111122223333"));
        ArrayNode statements = (ArrayNode) reordered.get("Statement");
        statements.insert(0, statements.remove(1));
        ObjectNode denyAll = (ObjectNode) statements.get(1);
        denyAll.putArray("Resource").add("*");
        ArrayNode notAction = (ArrayNode) denyAll.get("NotAction");
        notAction.insert(0, notAction.remove(notAction.size() - 1));

        assertThat(QuarantinePolicy.isSnapbacks(reordered.toString(), "aws", "111122223333"))
                .as("the order of statements and actions, and one value or a list of it, do not matter").isTrue();
        assertThat(QuarantinePolicy.isSnapbacks(QuarantinePolicy.document("aws", "444455556666"), "aws", "111122223333"))
                .as("another account's document").isFalse();
        assertThat(QuarantinePolicy.isSnapbacks(QuarantinePolicy.document("aws", "111122223333").replace("\"Deny\"", "\"Allow\""),
                "aws", "111122223333")).isFalse();
        notAction.add("iam:CreateAccessKey");
        assertThat(QuarantinePolicy.isSnapbacks(reordered.toString(), "aws", "111122223333")).as("one more exempted action").isFalse();
        assertThat(QuarantinePolicy.isSnapbacks("not json", "aws", "111122223333")).isFalse();
    }

    @Test
    void aUserWhoStillHasOrHasSinceEnrolledAnMfaDeviceIsNotQuarantined() {
        ANSWER.mfaDevices(new String[] {"arn:aws:iam::111122223333:mfa/alice-backup", "2026-11-01T10:00:00Z"});
        assertThat(executor.execute(new QuarantineUser("alice"), iamEvent)).isEqualTo(new Outcome.AlreadyCompliant(
                "user alice still has MFA device arn:aws:iam::111122223333:mfa/alice-backup; not quarantined"));

        AWS.resetAll();
        ANSWER.mfaDevices(new String[] {"arn:aws:iam::111122223333:mfa/alice-new", "2026-11-27T12:05:00Z"});
        assertThat(executor.execute(new QuarantineUser("alice"), iamEvent)).isEqualTo(new Outcome.Superseded(
                "user alice enrolled MFA device arn:aws:iam::111122223333:mfa/alice-new at 2026-11-27T12:05:00Z, after the"
                        + " event; not quarantined"));
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("ListMFADevices");
    }

    @Test
    void aDeletedUserIsAlreadyCompliantButAMissingQuarantinePolicyFails() {
        AWS.stubFor(query("ListMFADevices").willReturn(queryError(404, "NoSuchEntity", "The user with name alice cannot be found.")));
        assertThat(executor.execute(new QuarantineUser("alice"), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("NoSuchEntity: The user with name alice cannot be found."));

        AWS.resetAll();
        ANSWER.mfaDevices();
        ANSWER.attachedPolicies();
        AWS.stubFor(query("GetPolicy").willReturn(queryError(404, "NoSuchEntity", "Policy " + QUARANTINE + " was not found.")));
        assertThat(executor.execute(new QuarantineUser("alice"), iamEvent)).isEqualTo(new Outcome.Failed(
                "NoSuchEntity: Policy " + QUARANTINE + " was not found. (is the Snapback stack, which creates "
                        + QUARANTINE + ", deployed?)"));
    }

    @Test
    void releasesOnlyAQuarantinedUserWithAnMfaDevice() {
        ANSWER.attachedPolicies(QUARANTINE);
        ANSWER.mfaDevices(new String[] {"arn:aws:iam::111122223333:mfa/alice-phone-2", "2026-11-27T09:50:00Z"});
        ANSWER.iamOk("DetachUserPolicy");

        Outcome outcome = executor.execute(new ReleaseQuarantine("alice", false), iamEvent);

        List<LoggedRequest> calls = calls();
        assertThat(calls).extracting(AwsStub::operation).containsExactly("ListAttachedUserPolicies", "ListMFADevices", "DetachUserPolicy");
        assertThat(form(calls.get(2))).isEqualTo(Map.of("Action", "DetachUserPolicy", "Version", "2010-05-08",
                "UserName", "alice", "PolicyArn", QUARANTINE));
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly(
                "aws iam attach-user-policy --user-name alice --policy-arn " + QUARANTINE);
    }

    @Test
    void aReleaseFindsNothingToDoWithoutAQuarantineOrWithoutADevice() {
        ANSWER.attachedPolicies();
        assertThat(executor.execute(new ReleaseQuarantine("alice", false), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("user alice is not quarantined"));

        AWS.resetAll();
        ANSWER.attachedPolicies(QUARANTINE);
        ANSWER.mfaDevices();
        assertThat(executor.execute(new ReleaseQuarantine("alice", false), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("user alice has no MFA device, so the quarantine stays"));
        assertThat(calls()).extracting(AwsStub::operation).containsExactly("ListAttachedUserPolicies", "ListMFADevices");
    }

    @Test
    void aManualReleaseDetachesNothingAndSaysHow() {
        ANSWER.attachedPolicies(QUARANTINE);
        ANSWER.mfaDevices(new String[] {"arn:aws:iam::111122223333:mfa/alice-phone-2", "2026-11-27T09:50:00Z"});

        Outcome outcome = executor.execute(new ReleaseQuarantine("alice", true), iamEvent);

        assertThat(outcome).isEqualTo(new Outcome.Paged("quarantine release is manual: user alice stays quarantined until an"
                + " operator who has confirmed the new device lifts it with: aws iam detach-user-policy --user-name alice"
                + " --policy-arn " + QUARANTINE));
        assertThat(calls()).extracting(AwsStub::operation).doesNotContain("DetachUserPolicy");
    }

    @Test
    void restoresSnapbacksDocumentAsTheDefaultVersionMakingRoomWhenFiveExist() {
        ANSWER.policy(QUARANTINE, "v6", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        StringBuilder versions = new StringBuilder();
        for (int v = 2; v <= 6; v++) {
            versions.append("<member><VersionId>v").append(v).append("</VersionId><IsDefaultVersion>").append(v == 6)
                    .append("</IsDefaultVersion><CreateDate>2026-11-2").append(v).append("T09:00:00Z</CreateDate></member>");
        }
        AWS.stubFor(query("ListPolicyVersions").willReturn(xml(200, "<ListPolicyVersionsResponse " + IAM_NS
                + "><ListPolicyVersionsResult><Versions>" + versions + "</Versions><IsTruncated>false</IsTruncated>"
                + "</ListPolicyVersionsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListPolicyVersionsResponse>")));
        ANSWER.iamOk("DeletePolicyVersion");
        AWS.stubFor(query("CreatePolicyVersion").willReturn(xml(200, "<CreatePolicyVersionResponse " + IAM_NS
                + "><CreatePolicyVersionResult><PolicyVersion><VersionId>v7</VersionId><IsDefaultVersion>true</IsDefaultVersion>"
                + "<CreateDate>2026-11-27T09:42:00Z</CreateDate></PolicyVersion></CreatePolicyVersionResult>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreatePolicyVersionResponse>")));

        Outcome outcome = executor.execute(new RestoreQuarantinePolicy(QUARANTINE), iamEvent);

        List<LoggedRequest> calls = calls();
        assertThat(calls).extracting(AwsStub::operation).containsExactly("GetPolicy", "GetPolicyVersion", "ListPolicyVersions",
                "DeletePolicyVersion", "CreatePolicyVersion");
        assertThat(form(calls.get(3))).containsEntry("PolicyArn", QUARANTINE).containsEntry("VersionId", "v2");
        Map<String, String> created = form(calls.get(4));
        assertThat(created).containsEntry("PolicyArn", QUARANTINE).containsEntry("SetAsDefault", "true");
        assertThat(QuarantinePolicy.isSnapbacks(created.get("PolicyDocument"), "aws", "111122223333")).isTrue();
        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("made v7 of " + QUARANTINE + ", with Snapback's deny-only document, its default version in place of v6;"
                        + " deleted its oldest version v2 to make room (IAM keeps five)"),
                List.of("aws iam set-default-policy-version --policy-arn " + QUARANTINE + " --version-id v6 (puts the"
                        + " changed document back in force: only if it was intended)")));
    }

    @Test
    void aQuarantinePolicyThatIsStillSnapbacksNeedsNothingAndADeletedOneIsRecreated() {
        ANSWER.policy(QUARANTINE, "v1", QuarantinePolicy.document("aws", "111122223333"));
        assertThat(executor.execute(new RestoreQuarantinePolicy(QUARANTINE), iamEvent)).isEqualTo(new Outcome.AlreadyCompliant(
                "the default version v1 of " + QUARANTINE + " is Snapback's deny-only document"));

        AWS.resetAll();
        AWS.stubFor(query("GetPolicy").willReturn(queryError(404, "NoSuchEntity", "Policy " + QUARANTINE + " was not found.")));
        AWS.stubFor(query("CreatePolicy").willReturn(xml(200, "<CreatePolicyResponse " + IAM_NS + "><CreatePolicyResult><Policy>"
                + "<PolicyName>SnapbackMfaQuarantine</PolicyName><DefaultVersionId>v1</DefaultVersionId><Arn>" + QUARANTINE
                + "</Arn></Policy></CreatePolicyResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreatePolicyResponse>")));

        Outcome outcome = executor.execute(new RestoreQuarantinePolicy(QUARANTINE), iamEvent);

        Map<String, String> created = form(calls().getLast());
        assertThat(created).containsEntry("Action", "CreatePolicy").containsEntry("PolicyName", "SnapbackMfaQuarantine")
                .containsEntry("Path", "/");
        assertThat(QuarantinePolicy.isSnapbacks(created.get("PolicyDocument"), "aws", "111122223333")).isTrue();
        assertThat(outcome).isInstanceOf(Outcome.Remediated.class);
    }

    @Test
    void theQuarantineDeniesAllButSelfServiceEnrolmentWithoutMfa() throws Exception {
        JsonNode policy = JSON.readTree(QuarantinePolicy.document("aws", "111122223333"));

        assertThat(policy.get("Statement")).hasSize(2)
                .allSatisfy(s -> assertThat(s.get("Effect").asText()).isEqualTo("Deny"))
                .allSatisfy(s -> assertThat(s.at("/Condition/BoolIfExists/aws:MultiFactorAuthPresent").asText()).isEqualTo("false"))
                .allSatisfy(s -> assertThat(s.at("/Condition").size()).isEqualTo(1));
        JsonNode denyAll = policy.at("/Statement/0");
        assertThat(denyAll.get("Resource").asText()).isEqualTo("*");
        assertThat(denyAll.has("Action")).isFalse();
        assertThat(denyAll.get("NotAction")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ListVirtualMFADevices",
                "iam:ResyncMFADevice", "iam:GetUser", "iam:ChangePassword", "iam:GetAccountPasswordPolicy", "sts:GetSessionToken");
        JsonNode onlyOwn = policy.at("/Statement/1");
        assertThat(onlyOwn.get("Action")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice",
                "iam:GetUser", "iam:ChangePassword");
        assertThat(onlyOwn.get("NotResource")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "arn:aws:iam::111122223333:user/${aws:username}", "arn:aws:iam::111122223333:user/*/${aws:username}",
                "arn:aws:iam::111122223333:mfa/${aws:username}");
    }

    @Test
    void aPageOnlyFindingIsNeverExecuted() {
        assertThatThrownBy(() -> executor.execute(new PageOnly("who knows"), iamEvent))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("who knows");
        assertThat(calls()).isEmpty();
    }

    private static RevokeIngress sshRule() {
        return new RevokeIngress(GROUP, List.of(SSH));
    }

    /** An UpdateTrail of {@link #TRAIL} that set {@code kmsKeyId} to the given value ("" drops encryption). */
    private static CloudTrailEvent trailUpdate(String kmsKeyId) {
        return EditedFixture.event("trail-tampered/finding/UpdateTrail-kms-dropped-configured-key.json",
                detail -> ((ObjectNode) detail.get("requestParameters"))
                        .put("name", TRAIL).put("kmsKeyId", kmsKeyId));
    }

    private static String revokeResponse() {
        return "<RevokeSecurityGroupIngressResponse " + AwsAnswers.EC2_NS + "><requestId>r</requestId><return>true</return>"
                + "</RevokeSecurityGroupIngressResponse>";
    }

    private static List<LoggedRequest> calls() {
        return AWS.findAll(anyRequestedFor(anyUrl()));
    }
}
