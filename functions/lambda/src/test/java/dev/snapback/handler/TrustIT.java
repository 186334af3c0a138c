package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.remediate.QuarantinePolicy;
import dev.snapback.testing.Emulator;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The trust guarantees, end to end: the real handlers against the AWS API emulator, each change made on the
 * emulator first, the matching real-shaped CloudTrail event handed to the handler, and the emulator's state read
 * afterwards. A late event never undoes a newer change; a tampered quarantine policy is never attached and is put
 * back; a retry after a failed page keeps what was done and pages once; Snapback's own sessions are left alone.
 */
class TrustIT {

    private static final String REGION = "us-east-1";
    private static final String SNAPBACK_SG_ROLE = "snapback-security-groups";
    private static final String CONFIG = "{\"snapbackRoleArns\": [\"arn:aws:iam::" + Emulator.ACCOUNT + ":role/" + SNAPBACK_SG_ROLE + "\"]}";
    private static final String QUARANTINE = QuarantinePolicy.arn("aws", Emulator.ACCOUNT);
    private static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private Emulator aws;
    private String table;
    private String topic;

    @BeforeEach
    void start() {
        aws = Emulator.start(REGION);
        table = aws.auditTable();
        topic = aws.alertTopic();
    }

    @Test
    void aWorldOpenRuleIsRevokedAndPaged() {
        Ec2Client ec2 = aws.clients().ec2(REGION);
        String group = group(ec2);
        String rule = openSsh(ec2, group, "0.0.0.0/0");

        JsonNode summary = handler(Family.SECURITY_GROUPS).invoke(sshOpened(group, rule, Instant.now()));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(rules(ec2, group)).noneMatch(r -> r.securityGroupRuleId().equals(rule));
        assertThat(aws.published(topic)).singleElement().satisfies(page -> assertThat(page.subject()).endsWith(" - revoked"));
    }

    @Test
    void aLateEventLeavesARuleNarrowedSinceAlone() {
        Ec2Client ec2 = aws.clients().ec2(REGION);
        String group = group(ec2);
        String rule = openSsh(ec2, group, "0.0.0.0/0");
        ec2.modifySecurityGroupRules(r -> r.groupId(group).securityGroupRules(SecurityGroupRuleUpdate.builder()
                .securityGroupRuleId(rule)
                .securityGroupRule(s -> s.ipProtocol("tcp").fromPort(22).toPort(22).cidrIpv4("10.0.0.0/8")).build()));

        JsonNode summary = handler(Family.SECURITY_GROUPS).invoke(sshOpened(group, rule, Instant.now().minusSeconds(3 * 3600)));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(rules(ec2, group)).filteredOn(r -> r.securityGroupRuleId().equals(rule)).singleElement()
                .satisfies(r -> assertThat(r.cidrIpv4()).isEqualTo("10.0.0.0/8"));
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[LOW] ").endsWith(" - changed since, left alone");
            assertThat(page.text()).contains("now 22/tcp from 10.0.0.0/8", "late (more than 15 min)");
        });
    }

    @Test
    void aLateEventLeavesEventSelectorsSetSinceAloneAndAPromptOneRestoresThem() {
        CloudTrailClient cloudTrail = aws.clients().cloudTrail(REGION);
        String trailArn = trail(cloudTrail);
        List<EventSelector> weakened = List.of(EventSelector.builder().readWriteType(ReadWriteType.READ_ONLY)
                .includeManagementEvents(false).dataResources(DataResource.builder().type("AWS::S3::Object")
                        .values("arn:aws:s3").build()).build());
        cloudTrail.putEventSelectors(r -> r.trailName(trailArn).eventSelectors(weakened));
        ObjectNode event = selectorsPut(trailArn);
        List<EventSelector> setSince = List.of(EventSelector.builder().readWriteType(ReadWriteType.WRITE_ONLY)
                .includeManagementEvents(true).build());
        cloudTrail.putEventSelectors(r -> r.trailName(trailArn).eventSelectors(setSince));

        JsonNode late = handler(Family.TRAILS).invoke(event);

        assertThat(late.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(cloudTrail.getEventSelectors(r -> r.trailName(trailArn)).eventSelectors()).singleElement()
                .satisfies(s -> assertThat(s.readWriteType()).isEqualTo(ReadWriteType.WRITE_ONLY));

        cloudTrail.putEventSelectors(r -> r.trailName(trailArn).eventSelectors(weakened));
        JsonNode prompt = handler(Family.TRAILS).invoke(selectorsPut(trailArn));

        assertThat(prompt.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(cloudTrail.getEventSelectors(r -> r.trailName(trailArn)).eventSelectors())
                .as("the event's own selector kept, one for write management events added")
                .anySatisfy(s -> assertThat(s.dataResources()).isNotEmpty())
                .anySatisfy(s -> {
                    assertThat(s.readWriteType()).isEqualTo(ReadWriteType.WRITE_ONLY);
                    assertThat(s.includeManagementEvents()).isTrue();
                });
    }

    @Test
    void aKeyPairEventWithoutItsIdNeverDeletesANewerPairOfTheSameName() {
        Ec2Client ec2 = aws.clients().ec2(REGION);
        String name = aws.name("laptop");
        String oldFingerprint = ec2.createKeyPair(r -> r.keyName(name)).keyFingerprint();
        ec2.deleteKeyPair(r -> r.keyName(name));
        String newer = ec2.createKeyPair(r -> r.keyName(name)).keyPairId();

        JsonNode summary = handler(Family.KEYS).invoke(keyPairCreated(name, oldFingerprint));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(keyPairs(ec2)).extracting(KeyPairInfo::keyPairId).contains(newer);

        String newerFingerprint = keyPairs(ec2).stream().filter(k -> k.keyPairId().equals(newer)).findFirst().orElseThrow()
                .keyFingerprint();
        JsonNode exact = handler(Family.KEYS).invoke(keyPairCreated(name, newerFingerprint));

        assertThat(exact.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(keyPairs(ec2)).extracting(KeyPairInfo::keyPairId).doesNotContain(newer);
    }

    @Test
    void onlyTheEventsOwnAccessKeyIsDeactivatedAndOnlyWhileItIsActive() {
        IamClient iam = aws.clients().iam();
        String user = aws.name("svc-reporting");
        iam.createUser(r -> r.userName(user));
        String created = iam.createAccessKey(r -> r.userName(user)).accessKey().accessKeyId();
        String other = iam.createAccessKey(r -> r.userName(user)).accessKey().accessKeyId();

        JsonNode summary = handler(Family.KEYS).invoke(accessKeyCreated(user, created));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(status(iam, user, created)).isEqualTo(StatusType.INACTIVE);
        assertThat(status(iam, user, other)).isEqualTo(StatusType.ACTIVE);

        iam.deleteAccessKey(r -> r.userName(user).accessKeyId(created));
        JsonNode again = handler(Family.KEYS).invoke(accessKeyCreated(user, created));
        assertThat(again.at("/results/0/outcome").asText()).isEqualTo("already-compliant");
        assertThat(status(iam, user, other)).isEqualTo(StatusType.ACTIVE);
    }

    @Test
    void aLateMfaDeactivationDoesNotQuarantineAUserWhoEnrolledSince() {
        IamClient iam = aws.clients().iam();
        aws.createQuarantinePolicy();
        String user = aws.name("alice");
        iam.createUser(r -> r.userName(user));
        String serial = iam.createVirtualMFADevice(r -> r.virtualMFADeviceName(user + "-new")).virtualMFADevice().serialNumber();
        iam.enableMFADevice(r -> r.userName(user).serialNumber(serial).authenticationCode1("123456").authenticationCode2("654321"));

        JsonNode summary = handler(Family.MFA).invoke(mfaDeactivated(user, Instant.now().minusSeconds(3600)));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(iam.listAttachedUserPolicies(r -> r.userName(user)).attachedPolicies()).isEmpty();

        String bare = aws.name("bob");
        iam.createUser(r -> r.userName(bare));
        JsonNode quarantined = handler(Family.MFA).invoke(mfaDeactivated(bare, Instant.now()));
        assertThat(quarantined.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(iam.listAttachedUserPolicies(r -> r.userName(bare)).attachedPolicies())
                .singleElement().satisfies(p -> assertThat(p.policyArn()).isEqualTo(QUARANTINE));
    }

    @Test
    void aTamperedQuarantinePolicyIsNeverAttachedAndTheGuardPutsSnapbacksDocumentBack() {
        IamClient iam = aws.clients().iam();
        aws.createQuarantinePolicy();
        iam.createPolicyVersion(r -> r.policyArn(QUARANTINE).policyDocument(ALLOW_ALL).setAsDefault(true));
        String user = aws.name("mallory");
        iam.createUser(r -> r.userName(user));
        ObjectNode deactivated = mfaDeactivated(user, Instant.now());
        Emulator.Invoker mfa = handler(Family.MFA);

        assertThatThrownBy(() -> mfa.invoke(deactivated)).isInstanceOf(RemediationFailedException.class)
                .hasMessageContaining("not Snapback's deny-only document");

        assertThat(iam.listAttachedUserPolicies(r -> r.userName(user)).attachedPolicies()).as("nothing attached").isEmpty();
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[CRITICAL] ").endsWith(" - REFUSED to quarantine user");
            assertThat(page.message().path("default").asText()).contains("nothing was attached");
        });

        JsonNode restored = handler(Family.GUARD).invoke(Emulator.event(
                "quarantine-tampered/finding/CreatePolicyVersion-allow-all-as-default.json", detail -> { }));

        assertThat(restored.at("/results/0/outcome").asText()).isEqualTo("remediated");
        String defaultVersion = iam.getPolicy(r -> r.policyArn(QUARANTINE)).policy().defaultVersionId();
        String document = iam.getPolicyVersion(r -> r.policyArn(QUARANTINE).versionId(defaultVersion)).policyVersion().document();
        assertThat(QuarantinePolicy.isSnapbacks(URLDecoder.decode(document, StandardCharsets.UTF_8), "aws", Emulator.ACCOUNT)).isTrue();
        assertThat(aws.published(topic)).last().satisfies(page -> assertThat(page.subject())
                .isEqualTo("[CRITICAL] quarantine policy: new default version in " + Emulator.ACCOUNT + "/us-east-1 - policy restored"));

        JsonNode retried = mfa.invoke(deactivated);
        assertThat(retried.at("/results/0/outcome").asText()).as("the retry finds the policy restored").isEqualTo("remediated");
        assertThat(iam.listAttachedUserPolicies(r -> r.userName(user)).attachedPolicies())
                .singleElement().satisfies(p -> assertThat(p.policyArn()).isEqualTo(QUARANTINE));
    }

    @Test
    void aRetryAfterTheAlertTopicFailedKeepsTheFixAndItsUndoAndPagesOnce() {
        Ec2Client ec2 = aws.clients().ec2(REGION);
        String group = group(ec2);
        String rule = openSsh(ec2, group, "0.0.0.0/0");
        String missingTopic = aws.alertTopicArn().replace("snapback-alerts", "snapback-later");
        Emulator.Invoker handler = aws.handler(Family.SECURITY_GROUPS, table, missingTopic, CONFIG);
        ObjectNode event = sshOpened(group, rule, Instant.now());

        assertThatThrownBy(() -> handler.invoke(event)).as("SNS has no such topic yet").isInstanceOf(RuntimeException.class);
        Map<String, AttributeValue> failed = aws.auditItem(table, eventId(event), "security-group-opened");
        assertThat(failed.get("status").s()).isEqualTo("FAILED");
        assertThat(failed.get("actions").l()).hasSize(1);
        assertThat(rules(ec2, group)).noneMatch(r -> r.securityGroupRuleId().equals(rule));

        aws.clients().sns().createTopic(r -> r.name(missingTopic.substring(missingTopic.lastIndexOf(':') + 1)));
        JsonNode retried = handler.invoke(event);

        assertThat(retried.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(aws.published(missingTopic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).endsWith(" - revoked");
            assertThat(page.text()).contains("How to undo: aws ec2 authorize-security-group-ingress --region us-east-1 --group-id " + group);
        });
        Map<String, AttributeValue> done = aws.auditItem(table, eventId(event), "security-group-opened");
        assertThat(done.get("status").s()).isEqualTo("DONE");
        assertThat(done.get("actions").l()).singleElement().satisfies(a -> assertThat(a.s()).startsWith("revoke " + rule));
        assertThat(done.get("inverses").l()).singleElement().satisfies(i -> assertThat(i.s()).contains("--group-id " + group));
        assertThat(done.get("attempts").n()).isEqualTo("2");

        handler.invoke(event);
        assertThat(aws.published(missingTopic)).as("a redelivery pages nothing more").hasSize(1);
    }

    @Test
    void aSessionOfSnapbacksOwnRoleWithoutItsIssuerIsIgnoredAndALookAlikeRoleIsNot() {
        Ec2Client ec2 = aws.clients().ec2(REGION);
        String group = group(ec2);
        String rule = openSsh(ec2, group, "0.0.0.0/0");

        JsonNode own = handler(Family.SECURITY_GROUPS).invoke(bySessionWithoutIssuer(sshOpened(group, rule, Instant.now()),
                SNAPBACK_SG_ROLE));

        assertThat(own.at("/results/0/outcome").asText()).isEqualTo("ignored");
        assertThat(own.at("/results/0/reason").asText()).isEqualTo("made by Snapback's own role");
        assertThat(rules(ec2, group)).anyMatch(r -> r.securityGroupRuleId().equals(rule));
        assertThat(aws.published(topic)).isEmpty();

        JsonNode lookAlike = handler(Family.SECURITY_GROUPS).invoke(bySessionWithoutIssuer(sshOpened(group, rule, Instant.now()),
                SNAPBACK_SG_ROLE + "-admin"));

        assertThat(lookAlike.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(rules(ec2, group)).noneMatch(r -> r.securityGroupRuleId().equals(rule));
    }

    private Emulator.Invoker handler(Family family) {
        return aws.handler(family, table, topic, CONFIG);
    }

    private String group(Ec2Client ec2) {
        return ec2.createSecurityGroup(r -> r.groupName(aws.name("snapback-it") + "-" + System.nanoTime())
                .description("Snapback integration test")).groupId();
    }

    private static String openSsh(Ec2Client ec2, String group, String cidr) {
        return ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(IpPermission.builder()
                .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(IpRange.builder().cidrIp(cidr).build()).build()))
                .securityGroupRules().getFirst().securityGroupRuleId();
    }

    private static List<SecurityGroupRule> rules(Ec2Client ec2, String group) {
        return ec2.describeSecurityGroupRules(r -> r.filters(Filter.builder().name("group-id").values(group).build()))
                .securityGroupRules();
    }

    private static List<KeyPairInfo> keyPairs(Ec2Client ec2) {
        return ec2.describeKeyPairs().keyPairs();
    }

    private static StatusType status(IamClient iam, String user, String keyId) {
        return iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata().stream()
                .filter(k -> k.accessKeyId().equals(keyId)).findFirst().orElseThrow().status();
    }

    /** The quarantine policy as the stack creates it: Snapback's document, in the path /. */
    private String trail(CloudTrailClient cloudTrail) {
        String bucket = aws.bucket("snapback-trail");
        return cloudTrail.createTrail(r -> r.name(aws.name("management")).s3BucketName(bucket)).trailARN();
    }

    /** AuthorizeSecurityGroupIngress of 22/tcp from the world on {@code group}, as CloudTrail records it. */
    private static ObjectNode sshOpened(String group, String rule, Instant at) {
        return Emulator.event("security-group-opened/finding/AuthorizeSecurityGroupIngress-ipv4-world-ssh.json", detail -> {
            detail.put("awsRegion", REGION).put("eventTime", at.toString());
            ((ObjectNode) detail.get("requestParameters")).put("groupId", group);
            ((ObjectNode) detail.at("/responseElements/securityGroupRuleSet/items/0")).put("groupId", group)
                    .put("securityGroupRuleId", rule);
        });
    }

    /** The trail's selectors narrowed to read-only data events, as CloudTrail records the call. */
    private ObjectNode selectorsPut(String trailArn) {
        return Emulator.event("trail-tampered/finding/PutEventSelectors-management-events-dropped.json", detail -> {
            detail.put("awsRegion", REGION);
            ObjectNode request = (ObjectNode) detail.get("requestParameters");
            request.put("trailName", trailArn);
            ArrayNode dataResources = (ArrayNode) request.at("/eventSelectors/0/dataResources");
            dataResources.removeAll();
            dataResources.addObject().put("type", "AWS::S3::Object").putArray("values").add("arn:aws:s3");
            ((ObjectNode) detail.get("responseElements")).put("trailARN", trailArn).set("eventSelectors", request.get("eventSelectors"));
        });
    }

    /** CreateKeyPair from before key pair ids existed: name and fingerprint only. */
    private static ObjectNode keyPairCreated(String name, String fingerprint) {
        return Emulator.event("unmanaged-key-created/finding/CreateKeyPair-without-key-pair-id.json", detail -> {
            detail.put("awsRegion", REGION);
            ((ObjectNode) detail.get("requestParameters")).put("keyName", name);
            ((ObjectNode) detail.get("responseElements")).put("keyName", name).put("keyFingerprint", fingerprint);
        });
    }

    private static ObjectNode accessKeyCreated(String user, String keyId) {
        return Emulator.event("unmanaged-key-created/finding/CreateAccessKey-iam-user-for-other-user.json", detail -> {
            ((ObjectNode) detail.get("requestParameters")).put("userName", user);
            ((ObjectNode) detail.at("/responseElements/accessKey")).put("userName", user).put("accessKeyId", keyId);
        });
    }

    private static ObjectNode mfaDeactivated(String user, Instant at) {
        return Emulator.event("mfa-deactivated/finding/DeactivateMFADevice-iam-user-own-device.json", detail -> {
            detail.put("eventTime", at.toString());
            ((ObjectNode) detail.get("requestParameters")).put("userName", user)
                    .put("serialNumber", "arn:aws:iam::" + Emulator.ACCOUNT + ":mfa/" + user + "-phone");
        });
    }

    /** The same call made by a session of {@code role} whose record names no session issuer. */
    private static ObjectNode bySessionWithoutIssuer(ObjectNode envelope, String role) {
        ObjectNode identity = ((ObjectNode) envelope.get("detail")).putObject("userIdentity");
        identity.put("type", "AssumedRole").put("principalId", "AROAEXAMPLESNAPBACK1:fn")
                .put("arn", "arn:aws:sts::" + Emulator.ACCOUNT + ":assumed-role/" + role + "/fn")
                .put("accountId", Emulator.ACCOUNT);
        return envelope;
    }

    private static String eventId(ObjectNode envelope) {
        return envelope.at("/detail/eventID").asText();
    }
}
