package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.remediate.Remediation.IngressRule;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.EditedFixture;
import dev.snapback.testing.TestEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The executor's real SDK v2 calls, asserted on the wire against AWS's documented response shapes. */
class SdkRemediationExecutorTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EC2_NS = "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
    private static final String IAM_NS = "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"";
    private static final String CLOUDTRAIL = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    private static final String AMZ_JSON_11 = "application/x-amz-json-1.1";
    private static final String QUARANTINE = "arn:aws:iam::111122223333:policy/SnapbackMfaQuarantine";
    private static final String TRAIL = "arn:aws:cloudtrail:us-west-2:111122223333:trail/org-trail";

    private static SdkRemediationExecutor executor;
    /** An EC2 event in eu-west-1 and an IAM event in us-east-1 (IAM is global). */
    private static CloudTrailEvent ec2Event;
    private static CloudTrailEvent iamEvent;

    @BeforeAll
    static void setUp() {
        executor = new SdkRemediationExecutor(AWS.clients());
        ec2Event = TestEvents.event(TestEvents.SG_WORLD_SSH);
        iamEvent = TestEvents.event(TestEvents.MFA_DEACTIVATED);
    }


    @Test
    void revokesExactlyTheRuleIdsInTheEventsRegion() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, revokeResponse(""))));

        Outcome outcome = executor.execute(new Remediation.RevokeIngress("sg-0abc1234def567890", List.of(
                new IngressRule("sgr-0fedcba9876543210", "tcp", 22, 22, "0.0.0.0/0"),
                new IngressRule("sgr-0123456789abcdef0", "tcp", 3389, 3389, "::/0"))), ec2Event);

        LoggedRequest request = only();
        assertThat(form(request)).isEqualTo(Map.of(
                "Action", "RevokeSecurityGroupIngress",
                "Version", "2016-11-15",
                "GroupId", "sg-0abc1234def567890",
                "SecurityGroupRuleId.1", "sgr-0fedcba9876543210",
                "SecurityGroupRuleId.2", "sgr-0123456789abcdef0"));
        assertThat(scope(request)).isEqualTo("eu-west-1/ec2");
        assertThat(outcome).isInstanceOf(Outcome.Remediated.class);
        Outcome.Remediated done = (Outcome.Remediated) outcome;
        assertThat(done.actions()).containsExactly("revoke sgr-0fedcba9876543210, sgr-0123456789abcdef0 on sg-0abc1234def567890 in eu-west-1");
        assertThat(done.inverses()).containsExactly("aws ec2 authorize-security-group-ingress --region eu-west-1"
                + " --group-id sg-0abc1234def567890"
                + " --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'"
                + " 'IpProtocol=tcp,FromPort=3389,ToPort=3389,Ipv6Ranges=[{CidrIpv6=::/0}]'");
    }

    @Test
    void fallsBackToTheExactPermissionsWhenRuleIdsAreAbsent() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, revokeResponse(""))));

        executor.execute(new Remediation.RevokeIngress("sg-0abc1234def567890", List.of(
                new IngressRule(null, "tcp", 5432, 5432, "0.0.0.0/0"),
                new IngressRule(null, "-1", null, null, "::/0"))), ec2Event);

        assertThat(form(only())).isEqualTo(Map.of(
                "Action", "RevokeSecurityGroupIngress",
                "Version", "2016-11-15",
                "GroupId", "sg-0abc1234def567890",
                "IpPermissions.1.IpProtocol", "tcp",
                "IpPermissions.1.FromPort", "5432",
                "IpPermissions.1.ToPort", "5432",
                "IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0",
                "IpPermissions.2.IpProtocol", "-1",
                "IpPermissions.2.Ipv6Ranges.1.CidrIpv6", "::/0"));
    }

    @Test
    void aRuleThatIsAlreadyGoneIsAlreadyCompliant() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(
                ec2Error(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.")));

        Outcome outcome = executor.execute(sshRule(), ec2Event);

        assertThat(outcome).isEqualTo(new Outcome.AlreadyCompliant(
                "InvalidPermission.NotFound: The specified rule does not exist in this security group."));
    }

    @Test
    void aBatchWithOneMissingRuleIsRetriedRuleByRule() {
        // A non-default VPC revokes nothing when one rule of the call is missing.
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("SecurityGroupRuleId.2"))
                .willReturn(ec2Error(400, "InvalidSecurityGroupRuleId.NotFound",
                        "The security group rule ID 'sgr-0123456789abcdef0' does not exist")));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("sgr-0fedcba9876543210"))
                .withRequestBody(notContaining("SecurityGroupRuleId.2")).willReturn(xml(200, revokeResponse(""))));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("sgr-0123456789abcdef0"))
                .withRequestBody(notContaining("SecurityGroupRuleId.2")).willReturn(ec2Error(400,
                        "InvalidSecurityGroupRuleId.NotFound", "The security group rule ID 'sgr-0123456789abcdef0' does not exist")));

        Outcome outcome = executor.execute(new Remediation.RevokeIngress("sg-0abc1234def567890", List.of(
                new IngressRule("sgr-0fedcba9876543210", "tcp", 22, 22, "0.0.0.0/0"),
                new IngressRule("sgr-0123456789abcdef0", "tcp", 3389, 3389, "::/0"))), ec2Event);

        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(c -> form(c).entrySet().stream().filter(e -> e.getKey().startsWith("SecurityGroupRuleId")).toList())
                .extracting(Object::toString).containsExactly(
                        "[SecurityGroupRuleId.1=sgr-0fedcba9876543210, SecurityGroupRuleId.2=sgr-0123456789abcdef0]",
                        "[SecurityGroupRuleId.1=sgr-0fedcba9876543210]",
                        "[SecurityGroupRuleId.1=sgr-0123456789abcdef0]");
        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("revoke sgr-0fedcba9876543210 on sg-0abc1234def567890 in eu-west-1 (1 of 2 were already gone:"
                        + " sgr-0123456789abcdef0: InvalidSecurityGroupRuleId.NotFound: The security group rule ID"
                        + " 'sgr-0123456789abcdef0' does not exist)"),
                List.of("aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0abc1234def567890"
                        + " --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'")));
    }

    @Test
    void aBatchWhoseRulesAreAllGoneIsAlreadyCompliantAndAnyOtherErrorFails() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("IpPermissions.2"))
                .willReturn(ec2Error(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.")));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(notContaining("IpPermissions.2"))
                .willReturn(ec2Error(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.")));
        Remediation.RevokeIngress twoPermissions = new Remediation.RevokeIngress("sg-0abc1234def567890", List.of(
                new IngressRule(null, "tcp", 5432, 5432, "0.0.0.0/0"), new IngressRule(null, "-1", null, null, "::/0")));

        assertThat(executor.execute(twoPermissions, ec2Event)).isInstanceOf(Outcome.AlreadyCompliant.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(3);

        AWS.resetAll();
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("IpPermissions.2"))
                .willReturn(ec2Error(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.")));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("IpPermissions.1.FromPort=5432"))
                .withRequestBody(notContaining("IpPermissions.2")).willReturn(xml(200, revokeResponse(""))));
        AWS.stubFor(query("RevokeSecurityGroupIngress").withRequestBody(containing("IpPermissions.1.IpProtocol=-1"))
                .withRequestBody(notContaining("IpPermissions.2"))
                .willReturn(ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")));

        assertThat(executor.execute(twoPermissions, ec2Event)).isEqualTo(new Outcome.Failed(
                "all traffic from ::/0: UnauthorizedOperation: You are not authorized to perform this operation.;"
                        + " revoked before the failure: revoke 1 ingress permission(s) on sg-0abc1234def567890;"
                        + " inverse: aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0abc1234def567890"
                        + " --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=0.0.0.0/0}]'"));
    }

    @Test
    void permissionsEc2ReportsUnknownAreMatchedBackToTheirRules() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, revokeResponse(
                "<unknownIpPermissionSet><item><ipProtocol>tcp</ipProtocol><fromPort>5432</fromPort><toPort>5432</toPort>"
                        + "<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></unknownIpPermissionSet>"))));

        Outcome outcome = executor.execute(new Remediation.RevokeIngress("sg-0abc1234def567890", List.of(
                new IngressRule(null, "6", 5432, 5432, "0.0.0.0/0"), new IngressRule(null, "tcp", 22, 22, "10.0.0.0/8"))), ec2Event);

        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly("aws ec2 authorize-security-group-ingress"
                + " --region eu-west-1 --group-id sg-0abc1234def567890"
                + " --ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8}]'");
    }

    @Test
    void permissionsEc2ReportsUnknownAreAlreadyCompliant() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, revokeResponse(
                "<unknownIpPermissionSet><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>"
                        + "<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></unknownIpPermissionSet>"))));

        Outcome outcome = executor.execute(new Remediation.RevokeIngress("sg-0abc1234def567890",
                List.of(new IngressRule(null, "tcp", 22, 22, "0.0.0.0/0"))), ec2Event);

        assertThat(outcome).isInstanceOf(Outcome.AlreadyCompliant.class);
    }

    @Test
    void throttlingIsRetriedByTheSdkThenSucceeds() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("throttle").whenScenarioStateIs(STARTED)
                .willReturn(ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.")).willSetStateTo("calm"));
        AWS.stubFor(query("RevokeSecurityGroupIngress").inScenario("throttle").whenScenarioStateIs("calm")
                .willReturn(xml(200, revokeResponse(""))));

        Outcome outcome = executor.execute(sshRule(), ec2Event);

        assertThat(outcome).isInstanceOf(Outcome.Remediated.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void iamThrottlingIsRetriedThenSucceeds() {
        AWS.stubFor(query("ListMFADevices").willReturn(xml(200, mfaDevices())));
        AWS.stubFor(query("AttachUserPolicy").inScenario("iam-throttle").whenScenarioStateIs(STARTED)
                .willReturn(queryError(400, "Throttling", "Rate exceeded")).willSetStateTo("calm"));
        AWS.stubFor(query("AttachUserPolicy").inScenario("iam-throttle").whenScenarioStateIs("calm")
                .willReturn(xml(200, iamOk("AttachUserPolicy"))));

        Outcome outcome = executor.execute(new Remediation.QuarantineUser("alice"), iamEvent);

        assertThat(outcome).isInstanceOf(Outcome.Remediated.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation)
                .containsExactly("ListMFADevices", "AttachUserPolicy", "AttachUserPolicy");
    }

    @Test
    void aServerErrorIsRetriedThenSucceeds() {
        AWS.stubFor(query("UpdateAccessKey").inScenario("5xx").whenScenarioStateIs(STARTED)
                .willReturn(queryError(500, "ServiceFailure", "Internal failure.")).willSetStateTo("up"));
        AWS.stubFor(query("UpdateAccessKey").inScenario("5xx").whenScenarioStateIs("up")
                .willReturn(xml(200, "<UpdateAccessKeyResponse " + IAM_NS + "><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></UpdateAccessKeyResponse>")));

        Outcome outcome = executor.execute(new Remediation.DeactivateAccessKey("alice", "AKIAEXAMPLENEWKEY001"), iamEvent);

        assertThat(outcome).isInstanceOf(Outcome.Remediated.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void aPermanentErrorIsAFailureWithTheAwsErrorCode() {
        AWS.stubFor(query("RevokeSecurityGroupIngress").willReturn(
                ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")));

        Outcome outcome = executor.execute(sshRule(), ec2Event);

        assertThat(outcome).isEqualTo(new Outcome.Failed("UnauthorizedOperation: You are not authorized to perform this operation."));
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).as("not retried").hasSize(1);
    }

    @Test
    void startsLoggingInTheTrailsHomeRegion() throws Exception {
        AWS.stubFor(target(CLOUDTRAIL + "StartLogging").willReturn(json(200, AMZ_JSON_11, "{}")));

        Outcome outcome = executor.execute(new Remediation.StartLogging(TRAIL, "us-west-2"), ec2Event);

        LoggedRequest request = only();
        assertThat(JSON.readTree(request.getBodyAsString())).isEqualTo(JSON.readTree("{\"Name\":\"" + TRAIL + "\"}"));
        assertThat(request.getHeader("Content-Type")).startsWith(AMZ_JSON_11);
        assertThat(scope(request)).isEqualTo("us-west-2/cloudtrail");
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly(
                "aws cloudtrail stop-logging --region us-west-2 --name " + TRAIL);
    }

    @Test
    void aDeletedTrailIsAlreadyCompliant() {
        AWS.stubFor(target(CLOUDTRAIL + "StartLogging").willReturn(json(400, AMZ_JSON_11,
                "{\"__type\":\"TrailNotFoundException\",\"message\":\"Unknown trail: " + TRAIL + " for the user: 111122223333\"}")));

        assertThat(executor.execute(new Remediation.StartLogging(TRAIL, "us-west-2"), ec2Event))
                .isInstanceOf(Outcome.AlreadyCompliant.class);
    }

    @Test
    void restoresOnlyTheWeakenedTrailSettings() throws Exception {
        AWS.stubFor(target(CLOUDTRAIL + "UpdateTrail").willReturn(json(200, AMZ_JSON_11,
                "{\"Name\":\"org-trail\",\"TrailARN\":\"" + TRAIL + "\",\"IsMultiRegionTrail\":true}")));

        Outcome outcome = executor.execute(new Remediation.RestoreTrailSettings(TRAIL, "us-west-2", true, null, true,
                "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"), ec2Event);

        assertThat(JSON.readTree(only().getBodyAsString())).isEqualTo(JSON.readTree("""
                {"Name":"%s","IsMultiRegionTrail":true,"EnableLogFileValidation":true,
                 "KmsKeyId":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}""".formatted(TRAIL)));
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly("aws cloudtrail update-trail --region us-west-2"
                + " --name " + TRAIL + " --no-is-multi-region-trail --no-enable-log-file-validation --kms-key-id \"\"");
    }

    @Test
    void putsBackBasicEventSelectorsAsGiven() throws Exception {
        AWS.stubFor(target(CLOUDTRAIL + "PutEventSelectors").willReturn(json(200, AMZ_JSON_11, "{\"TrailARN\":\"" + TRAIL + "\"}")));
        String selectors = "[{\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[]}],"
                + "\"ExcludeManagementEventSources\":[],\"IncludeManagementEvents\":false,\"ReadWriteType\":\"ReadOnly\"},"
                + "{\"ReadWriteType\":\"WriteOnly\",\"IncludeManagementEvents\":true,\"DataResources\":[],\"ExcludeManagementEventSources\":[]}]";

        executor.execute(new Remediation.RestoreEventSelectors(TRAIL, "us-west-2", selectors, false), ec2Event);

        JsonNode body = JSON.readTree(only().getBodyAsString());
        assertThat(body.get("TrailName").asText()).isEqualTo(TRAIL);
        assertThat(body.get("EventSelectors")).isEqualTo(JSON.readTree(selectors));
        assertThat(body.has("AdvancedEventSelectors")).isFalse();
    }

    @Test
    void putsBackAdvancedEventSelectorsAsGiven() throws Exception {
        AWS.stubFor(target(CLOUDTRAIL + "PutEventSelectors").willReturn(json(200, AMZ_JSON_11, "{\"TrailARN\":\"" + TRAIL + "\"}")));
        String selectors = "[{\"Name\":\"Write management events\",\"FieldSelectors\":["
                + "{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]},{\"Field\":\"readOnly\",\"Equals\":[\"false\"]},"
                + "{\"Field\":\"eventSource\",\"NotEquals\":[\"kms.amazonaws.com\"]}]}]";

        executor.execute(new Remediation.RestoreEventSelectors(TRAIL, "us-west-2", selectors, true), ec2Event);

        JsonNode body = JSON.readTree(only().getBodyAsString());
        assertThat(body.get("AdvancedEventSelectors")).isEqualTo(JSON.readTree(selectors));
        assertThat(body.has("EventSelectors")).isFalse();
    }

    @Test
    void theSelectorsInverseIsTheCausingCallsOwnSelectors() throws Exception {
        AWS.stubFor(target(CLOUDTRAIL + "PutEventSelectors").willReturn(json(200, AMZ_JSON_11, "{\"TrailARN\":\"" + TRAIL + "\"}")));
        CloudTrailEvent cause = EditedFixture.event("trail-tampered/finding/PutEventSelectors-advanced-management-removed.json");

        Outcome outcome = executor.execute(new Remediation.RestoreEventSelectors(TRAIL, "us-west-2",
                "[{\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]}]", true), cause);

        String inverse = ((Outcome.Remediated) outcome).inverses().getFirst();
        String prefix = "aws cloudtrail put-event-selectors --region us-west-2 --trail-name " + TRAIL + " --advanced-event-selectors '";
        assertThat(inverse).startsWith(prefix).endsWith("'");
        JsonNode set = cause.request().get("advancedEventSelectors");
        JsonNode restored = JSON.readTree(inverse.substring(prefix.length(), inverse.length() - 1));
        assertThat(restored).hasSize(set.size());
        assertThat(restored.at("/0/FieldSelectors/0/Field").asText()).isEqualTo(set.at("/0/fieldSelectors/0/field").asText());
        assertThat(restored.at("/0/FieldSelectors/0/Equals")).isEqualTo(set.at("/0/fieldSelectors/0/equals"));
    }

    @Test
    void withoutReadableSelectorsInTheCauseTheInverseSaysItIsATemplate() {
        AWS.stubFor(target(CLOUDTRAIL + "PutEventSelectors").willReturn(json(200, AMZ_JSON_11, "{\"TrailARN\":\"" + TRAIL + "\"}")));

        Outcome outcome = executor.execute(new Remediation.RestoreEventSelectors(TRAIL, "us-west-2",
                "[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]", false), ec2Event);

        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly("template (the causing event's selectors"
                + " are unreadable): aws cloudtrail put-event-selectors --region us-west-2 --trail-name " + TRAIL
                + " --event-selectors '<the selectors it set>'");
    }

    @Test
    void unreadableSelectorsFailWithoutCallingAws() {
        Outcome outcome = executor.execute(new Remediation.RestoreEventSelectors(TRAIL, "us-west-2",
                "[{\"ReadWriteType\":\"All\",\"IncludeManagmentEvents\":true}]", false), ec2Event);

        assertThat(outcome).isEqualTo(new Outcome.Failed("IllegalArgumentException: EventSelectors[]: unknown field IncludeManagmentEvents"));
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void deactivatesExactlyTheNewKeyThroughTheGlobalIamEndpoint() {
        AWS.stubFor(query("UpdateAccessKey").willReturn(xml(200,
                "<UpdateAccessKeyResponse " + IAM_NS + "><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></UpdateAccessKeyResponse>")));

        Outcome outcome = executor.execute(new Remediation.DeactivateAccessKey("bob", "AKIAEXAMPLENEWKEY001"), ec2Event);

        LoggedRequest request = only();
        assertThat(form(request)).isEqualTo(Map.of(
                "Action", "UpdateAccessKey", "Version", "2010-05-08",
                "UserName", "bob", "AccessKeyId", "AKIAEXAMPLENEWKEY001", "Status", "Inactive"));
        assertThat(scope(request)).as("IAM is signed for us-east-1 whatever the event's region").isEqualTo("us-east-1/iam");
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly(
                "aws iam update-access-key --user-name bob --access-key-id AKIAEXAMPLENEWKEY001 --status Active");
    }

    @Test
    void aKeyThatNoLongerExistsIsAlreadyCompliant() {
        AWS.stubFor(query("UpdateAccessKey").willReturn(queryError(404, "NoSuchEntity",
                "The Access Key with id AKIAEXAMPLENEWKEY001 cannot be found.")));

        assertThat(executor.execute(new Remediation.DeactivateAccessKey("bob", "AKIAEXAMPLENEWKEY001"), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("NoSuchEntity: The Access Key with id AKIAEXAMPLENEWKEY001 cannot be found."));
    }

    @Test
    void deletesTheKeyPairByIdInTheEventsRegion() {
        AWS.stubFor(query("DeleteKeyPair").willReturn(xml(200, "<DeleteKeyPairResponse " + EC2_NS
                + "><requestId>r</requestId><return>true</return><keyPairId>key-0a1b2c3d4e5f60001</keyPairId></DeleteKeyPairResponse>")));

        Outcome outcome = executor.execute(new Remediation.DeleteKeyPair("key-0a1b2c3d4e5f60001", "laptop"), ec2Event);

        LoggedRequest request = only();
        assertThat(form(request)).isEqualTo(Map.of(
                "Action", "DeleteKeyPair", "Version", "2016-11-15", "KeyPairId", "key-0a1b2c3d4e5f60001"));
        assertThat(scope(request)).isEqualTo("eu-west-1/ec2");
        assertThat(outcome).isInstanceOf(Outcome.Remediated.class);
    }

    @Test
    void deletesTheKeyPairByNameWhenTheEventHasNoId() {
        AWS.stubFor(query("DeleteKeyPair").willReturn(xml(200, "<DeleteKeyPairResponse " + EC2_NS
                + "><requestId>r</requestId><return>true</return></DeleteKeyPairResponse>")));

        executor.execute(new Remediation.DeleteKeyPair(null, "laptop"), ec2Event);

        assertThat(form(only())).isEqualTo(Map.of(
                "Action", "DeleteKeyPair", "Version", "2016-11-15", "KeyName", "laptop"));
    }

    @Test
    void quarantinesByAttachingTheManagedPolicyOfTheEventsAccount() {
        AWS.stubFor(query("ListMFADevices").willReturn(xml(200, mfaDevices())));
        AWS.stubFor(query("AttachUserPolicy").willReturn(xml(200, iamOk("AttachUserPolicy"))));

        Outcome outcome = executor.execute(new Remediation.QuarantineUser("alice"), iamEvent);

        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).hasSize(2);
        assertThat(form(calls.get(0))).isEqualTo(Map.of("Action", "ListMFADevices", "Version", "2010-05-08", "UserName", "alice"));
        assertThat(form(calls.get(1))).isEqualTo(Map.of("Action", "AttachUserPolicy", "Version", "2010-05-08",
                "UserName", "alice", "PolicyArn", QUARANTINE));
        assertThat(scope(calls.get(1))).isEqualTo("us-east-1/iam");
        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("quarantine user alice until MFA is re-enabled (attached " + QUARANTINE + ")"),
                List.of("aws iam detach-user-policy --user-name alice --policy-arn " + QUARANTINE)));
    }

    @Test
    void aUserWhoStillHasAnMfaDeviceIsNotQuarantined() {
        AWS.stubFor(query("ListMFADevices").willReturn(xml(200, mfaDevices("arn:aws:iam::111122223333:mfa/alice-backup"))));

        Outcome outcome = executor.execute(new Remediation.QuarantineUser("alice"), iamEvent);

        assertThat(outcome).isEqualTo(new Outcome.AlreadyCompliant(
                "user alice still has MFA device arn:aws:iam::111122223333:mfa/alice-backup; not quarantined"));
        assertThat(only()).extracting(AwsStub::operation).isEqualTo("ListMFADevices");
    }

    @Test
    void aDeletedUserIsAlreadyCompliantButAMissingQuarantinePolicyFails() {
        AWS.stubFor(query("ListMFADevices").willReturn(queryError(404, "NoSuchEntity", "The user with name alice cannot be found.")));
        assertThat(executor.execute(new Remediation.QuarantineUser("alice"), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("NoSuchEntity: The user with name alice cannot be found."));

        AWS.resetAll();
        AWS.stubFor(query("ListMFADevices").willReturn(xml(200, mfaDevices())));
        AWS.stubFor(query("AttachUserPolicy").willReturn(queryError(404, "NoSuchEntity",
                "Policy " + QUARANTINE + " does not exist or is not attachable.")));
        assertThat(executor.execute(new Remediation.QuarantineUser("alice"), iamEvent)).isEqualTo(new Outcome.Failed(
                "NoSuchEntity: Policy " + QUARANTINE + " does not exist or is not attachable. (is the Snapback stack,"
                        + " which creates " + QUARANTINE + ", deployed?)"));
    }

    @Test
    void releasesByDetachingOnlyFromAUserWithAnMfaDevice() {
        AWS.stubFor(query("ListMFADevices").willReturn(xml(200, mfaDevices("arn:aws:iam::111122223333:mfa/alice-phone-2"))));
        AWS.stubFor(query("DetachUserPolicy").willReturn(xml(200, iamOk("DetachUserPolicy"))));

        Outcome outcome = executor.execute(new Remediation.ReleaseQuarantine("alice"), iamEvent);

        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(AwsStub::operation).containsExactly("ListMFADevices", "DetachUserPolicy");
        assertThat(form(calls.get(1))).isEqualTo(Map.of("Action", "DetachUserPolicy", "Version", "2010-05-08",
                "UserName", "alice", "PolicyArn", QUARANTINE));
        assertThat(((Outcome.Remediated) outcome).inverses()).containsExactly(
                "aws iam attach-user-policy --user-name alice --policy-arn " + QUARANTINE);
    }

    @Test
    void aUserWithoutAnyMfaDeviceStaysQuarantined() {
        AWS.stubFor(query("ListMFADevices").willReturn(xml(200, mfaDevices())));

        Outcome outcome = executor.execute(new Remediation.ReleaseQuarantine("alice"), iamEvent);

        assertThat(outcome).isEqualTo(new Outcome.AlreadyCompliant("user alice has no MFA device, so the quarantine stays"));
        assertThat(only()).extracting(AwsStub::operation).isEqualTo("ListMFADevices");
    }

    @Test
    void aQuarantineThatIsNotAttachedIsAlreadyCompliant() {
        AWS.stubFor(query("ListMFADevices").willReturn(xml(200, mfaDevices("arn:aws:iam::111122223333:mfa/alice-phone-2"))));
        AWS.stubFor(query("DetachUserPolicy").willReturn(queryError(404, "NoSuchEntity",
                "Policy " + QUARANTINE + " was not found.")));

        assertThat(executor.execute(new Remediation.ReleaseQuarantine("alice"), iamEvent))
                .isEqualTo(new Outcome.AlreadyCompliant("NoSuchEntity: Policy " + QUARANTINE + " was not found."));
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
        assertThatThrownBy(() -> executor.execute(new Remediation.PageOnly("who knows"), iamEvent))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("who knows");
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    private static Remediation.RevokeIngress sshRule() {
        return new Remediation.RevokeIngress("sg-0abc1234def567890",
                List.of(new IngressRule("sgr-0fedcba9876543210", "tcp", 22, 22, "0.0.0.0/0")));
    }

    private static String mfaDevices(String... serials) {
        StringBuilder members = new StringBuilder();
        for (String serial : serials) {
            members.append("<member><UserName>alice</UserName><SerialNumber>").append(serial)
                    .append("</SerialNumber><EnableDate>2026-11-20T09:00:00Z</EnableDate></member>");
        }
        return "<ListMFADevicesResponse " + IAM_NS + "><ListMFADevicesResult><IsTruncated>false</IsTruncated><MFADevices>"
                + members + "</MFADevices></ListMFADevicesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                + "</ListMFADevicesResponse>";
    }

    private static String iamOk(String action) {
        return "<" + action + "Response " + IAM_NS + "><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></" + action + "Response>";
    }

    private static String revokeResponse(String extra) {
        return "<RevokeSecurityGroupIngressResponse " + EC2_NS + "><requestId>59dbff89-35bd-4eac-99ed-be587example</requestId>"
                + "<return>true</return>" + extra + "</RevokeSecurityGroupIngressResponse>";
    }

    private static LoggedRequest only() {
        List<LoggedRequest> requests = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.getFirst();
    }
}
