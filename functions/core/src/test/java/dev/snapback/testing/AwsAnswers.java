package dev.snapback.testing;

import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.target;
import static dev.snapback.testing.AwsStub.xml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.remediate.DeactivateUserCredential;
import dev.snapback.remediate.IngressRule;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * What AWS answers to the reads and writes of Snapback's remediations, in the documented wire shapes (EC2 and IAM
 * query XML, CloudTrail JSON 1.1), registered on an {@link AwsStub}: the present state a test sets up.
 */
public final class AwsAnswers {

    public static final String EC2_NS = "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";
    public static final String IAM_NS = "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"";
    public static final String CLOUDTRAIL = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    public static final String AMZ_JSON_11 = "application/x-amz-json-1.1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsStub aws;

    public AwsAnswers(AwsStub aws) {
        this.aws = aws;
    }

    /** One present security group rule: an ingress rule unless {@code egress}. */
    public record PresentRule(String ruleId, boolean egress, String protocol, int fromPort, int toPort, String cidr) {
        public static PresentRule of(IngressRule rule, String ruleId) {
            boolean all = "-1".equals(rule.protocol());
            return new PresentRule(ruleId, false, rule.protocol(), all ? -1 : rule.fromPort(), all ? -1 : rule.toPort(), rule.cidr());
        }

        String xml(String groupId) {
            return "<item><securityGroupRuleId>" + ruleId + "</securityGroupRuleId><groupId>" + groupId + "</groupId>"
                    + "<groupOwnerId>111122223333</groupOwnerId><isEgress>" + egress + "</isEgress><ipProtocol>" + protocol
                    + "</ipProtocol><fromPort>" + fromPort + "</fromPort><toPort>" + toPort + "</toPort>"
                    + (cidr.contains(":") ? "<cidrIpv6>" + cidr + "</cidrIpv6>" : "<cidrIpv4>" + cidr + "</cidrIpv4>")
                    + "<tagSet/></item>";
        }
    }

    public void securityGroupRules(String groupId, List<PresentRule> rules) {
        StringBuilder items = new StringBuilder();
        rules.forEach(rule -> items.append(rule.xml(groupId)));
        aws.stubFor(query("DescribeSecurityGroupRules").willReturn(xml(200, "<DescribeSecurityGroupRulesResponse " + EC2_NS
                + "><requestId>r</requestId><securityGroupRuleSet>" + items + "</securityGroupRuleSet>"
                + "</DescribeSecurityGroupRulesResponse>")));
    }

    /**
     * The network ACL DescribeNetworkAcls answers, with these entries, each {@code {ruleNumber, egress, action,
     * protocol, cidr, from, to}} ({@code from} and {@code to} empty for no port range).
     */
    public void networkAcl(String aclId, String[]... entries) {
        StringBuilder items = new StringBuilder();
        for (String[] entry : entries) {
            String cidr = entry[4].contains(":") ? "<ipv6CidrBlock>" + entry[4] + "</ipv6CidrBlock>" : "<cidrBlock>" + entry[4] + "</cidrBlock>";
            String ports = entry[5].isEmpty() ? "" : "<portRange><from>" + entry[5] + "</from><to>" + entry[6] + "</to></portRange>";
            items.append("<item><ruleNumber>").append(entry[0]).append("</ruleNumber><protocol>").append(entry[3])
                    .append("</protocol><ruleAction>").append(entry[2]).append("</ruleAction><egress>").append(entry[1])
                    .append("</egress>").append(cidr).append(ports).append("</item>");
        }
        aws.stubFor(query("DescribeNetworkAcls").willReturn(xml(200, "<DescribeNetworkAclsResponse " + EC2_NS
                + "><requestId>r</requestId><networkAclSet><item><networkAclId>" + aclId + "</networkAclId><vpcId>"
                + "vpc-0a1b2c3d4e5f60001</vpcId><default>false</default><entrySet>" + items + "</entrySet>"
                + "<associationSet/><tagSet/><ownerId>111122223333</ownerId></item></networkAclSet></DescribeNetworkAclsResponse>")));
    }

    /** The VPC peering connection DescribeVpcPeeringConnections answers: requested by {@code requester}, in {@code status}. */
    public void vpcPeering(String peeringId, String requester, String status) {
        aws.stubFor(query("DescribeVpcPeeringConnections").willReturn(xml(200, "<DescribeVpcPeeringConnectionsResponse " + EC2_NS
                + "><requestId>r</requestId><vpcPeeringConnectionSet><item><vpcPeeringConnectionId>" + peeringId
                + "</vpcPeeringConnectionId><requesterVpcInfo><ownerId>" + requester + "</ownerId><vpcId>vpc-0feedfacecafe0001"
                + "</vpcId></requesterVpcInfo><accepterVpcInfo><ownerId>111122223333</ownerId><vpcId>vpc-0a1b2c3d4e5f60001</vpcId>"
                + "</accepterVpcInfo><status><code>" + status + "</code><message>m</message></status><tagSet/></item>"
                + "</vpcPeeringConnectionSet></DescribeVpcPeeringConnectionsResponse>")));
    }

    /**
     * CloudTrail's event history of a bucket, newest first, as LookupEvents answers: each record is a CloudTrail
     * record (the {@code detail} of an EventBridge event), given whole as the API gives it, in a string.
     */
    public void history(JsonNode... records) {
        var events = JSON.createArrayNode();
        for (JsonNode record : records) {
            events.addObject().put("EventId", record.path("eventID").asText()).put("EventName", record.path("eventName").asText())
                    .put("EventTime", Instant.parse(record.path("eventTime").asText()).getEpochSecond())
                    .put("EventSource", record.path("eventSource").asText()).put("CloudTrailEvent", record.toString());
        }
        aws.stubFor(target(CLOUDTRAIL + "LookupEvents").willReturn(json(200, AMZ_JSON_11,
                JSON.createObjectNode().set("Events", events).toString())));
    }

    public void revokeSucceeds() {
        aws.stubFor(query("RevokeSecurityGroupIngress").willReturn(xml(200, "<RevokeSecurityGroupIngressResponse " + EC2_NS
                + "><requestId>59dbff89-35bd-4eac-99ed-be587example</requestId><return>true</return>"
                + "</RevokeSecurityGroupIngressResponse>")));
    }

    /** The key pairs DescribeKeyPairs answers, each {@code {id, name, fingerprint}}. */
    public void keyPairs(String[]... pairs) {
        StringBuilder items = new StringBuilder();
        for (String[] pair : pairs) {
            items.append("<item><keyPairId>").append(pair[0]).append("</keyPairId><keyName>").append(pair[1])
                    .append("</keyName><keyFingerprint>").append(pair[2]).append("</keyFingerprint><keyType>rsa</keyType>"
                            + "<tagSet/></item>");
        }
        aws.stubFor(query("DescribeKeyPairs").willReturn(xml(200, "<DescribeKeyPairsResponse " + EC2_NS
                + "><requestId>r</requestId><keySet>" + items + "</keySet></DescribeKeyPairsResponse>")));
    }

    public void deleteKeyPairSucceeds() {
        aws.stubFor(query("DeleteKeyPair").willReturn(xml(200, "<DeleteKeyPairResponse " + EC2_NS
                + "><requestId>r</requestId><return>true</return></DeleteKeyPairResponse>")));
    }

    public void accessKey(String user, String keyId, String status) {
        aws.stubFor(query("ListAccessKeys").willReturn(xml(200, iam("ListAccessKeys", "<AccessKeyMetadata><member><UserName>"
                + user + "</UserName><AccessKeyId>" + keyId + "</AccessKeyId><Status>" + status
                + "</Status><CreateDate>2026-11-20T09:14:07Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>"))));
    }

    /** The user's one credential of this kind, in the shape its List call answers. */
    public void userCredential(DeactivateUserCredential.Kind kind, String user, String id, String status) {
        String member = "<member><UserName>" + user + "</UserName><Status>" + status + "</Status>";
        String[] list = switch (kind) {
            case SSH_PUBLIC_KEY -> new String[] {"ListSSHPublicKeys", "SSHPublicKeys", member + "<SSHPublicKeyId>" + id
                    + "</SSHPublicKeyId><UploadDate>2026-11-22T10:14:07Z</UploadDate></member>"};
            case SIGNING_CERTIFICATE -> new String[] {"ListSigningCertificates", "Certificates", member + "<CertificateId>" + id
                    + "</CertificateId><CertificateBody>-----BEGIN CERTIFICATE-----</CertificateBody></member>"};
            case SERVICE_SPECIFIC_CREDENTIAL -> new String[] {"ListServiceSpecificCredentials", "ServiceSpecificCredentials",
                    member + "<ServiceSpecificCredentialId>" + id + "</ServiceSpecificCredentialId><ServiceUserName>" + user
                            + "-at-111122223333</ServiceUserName><ServiceName>cassandra.amazonaws.com</ServiceName>"
                            + "<CreateDate>2026-11-22T12:30:00Z</CreateDate></member>"};
        };
        aws.stubFor(query(list[0]).willReturn(xml(200, iam(list[0], "<" + list[1] + ">" + list[2] + "</" + list[1]
                + "><IsTruncated>false</IsTruncated>"))));
    }

    public void noAccessKeys() {
        aws.stubFor(query("ListAccessKeys").willReturn(xml(200, iam("ListAccessKeys",
                "<AccessKeyMetadata/><IsTruncated>false</IsTruncated>"))));
    }

    /** The user's MFA devices, each {@code {serial, enableDate}}. */
    public void mfaDevices(String[]... devices) {
        StringBuilder members = new StringBuilder();
        for (String[] device : devices) {
            members.append("<member><UserName>u</UserName><SerialNumber>").append(device[0])
                    .append("</SerialNumber><EnableDate>").append(device[1]).append("</EnableDate></member>");
        }
        aws.stubFor(query("ListMFADevices").willReturn(xml(200, iam("ListMFADevices",
                "<IsTruncated>false</IsTruncated><MFADevices>" + members + "</MFADevices>"))));
    }

    public void attachedPolicies(String... arns) {
        StringBuilder members = new StringBuilder();
        for (String arn : arns) {
            members.append("<member><PolicyName>").append(arn.substring(arn.lastIndexOf('/') + 1))
                    .append("</PolicyName><PolicyArn>").append(arn).append("</PolicyArn></member>");
        }
        aws.stubFor(query("ListAttachedUserPolicies").willReturn(xml(200, iam("ListAttachedUserPolicies",
                "<AttachedPolicies>" + members + "</AttachedPolicies><IsTruncated>false</IsTruncated>"))));
    }

    /** A managed policy whose default version is {@code versionId} with {@code document} (sent URL-encoded, as IAM does). */
    public void policy(String arn, String versionId, String document) {
        aws.stubFor(query("GetPolicy").willReturn(xml(200, iam("GetPolicy", "<Policy><PolicyName>"
                + arn.substring(arn.lastIndexOf('/') + 1) + "</PolicyName><DefaultVersionId>" + versionId
                + "</DefaultVersionId><PolicyId>ANPAEXAMPLEQUARANTINE</PolicyId><Path>/</Path><Arn>" + arn
                + "</Arn><AttachmentCount>0</AttachmentCount><CreateDate>2026-11-01T00:00:00Z</CreateDate>"
                + "<UpdateDate>2026-11-20T09:30:12Z</UpdateDate></Policy>"))));
        aws.stubFor(query("GetPolicyVersion").willReturn(xml(200, iam("GetPolicyVersion", "<PolicyVersion><Document>"
                + URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20") + "</Document><IsDefaultVersion>true"
                + "</IsDefaultVersion><VersionId>" + versionId + "</VersionId><CreateDate>2026-11-20T09:30:12Z</CreateDate>"
                + "</PolicyVersion>"))));
    }

    /** An IAM call that succeeds with an empty result. */
    public void iamOk(String action) {
        aws.stubFor(query(action).willReturn(xml(200, "<" + action + "Response " + IAM_NS + "><ResponseMetadata><RequestId>r"
                + "</RequestId></ResponseMetadata></" + action + "Response>")));
    }

    public void trailStatus(boolean logging) {
        aws.stubFor(target(CLOUDTRAIL + "GetTrailStatus").willReturn(json(200, AMZ_JSON_11,
                "{\"IsLogging\":" + logging + ",\"LatestDeliveryTime\":1.7959968E9}")));
    }

    /** GetTrail's answer: {@code trailJson} holds the Trail's fields, e.g. {@code "IsMultiRegionTrail":false}. */
    public void trail(String trailArn, String trailJson) {
        aws.stubFor(target(CLOUDTRAIL + "GetTrail").willReturn(json(200, AMZ_JSON_11, "{\"Trail\":{\"Name\":\""
                + trailArn.substring(trailArn.lastIndexOf('/') + 1) + "\",\"TrailARN\":\"" + trailArn + "\","
                + "\"S3BucketName\":\"trail-bucket\"" + (trailJson.isEmpty() ? "" : "," + trailJson) + "}}")));
    }

    /** GetEventSelectors' answer, the selectors in the API's shape. */
    public void eventSelectors(String trailArn, String selectorsJson, boolean advanced) {
        aws.stubFor(target(CLOUDTRAIL + "GetEventSelectors").willReturn(json(200, AMZ_JSON_11, "{\"TrailARN\":\"" + trailArn
                + "\",\"" + (advanced ? "AdvancedEventSelectors" : "EventSelectors") + "\":" + selectorsJson + "}")));
    }

    /** A CloudTrail write that succeeds. */
    public void cloudTrailOk(String operation) {
        aws.stubFor(target(CLOUDTRAIL + operation).willReturn(json(200, AMZ_JSON_11, "{}")));
    }

    private static String iam(String action, String result) {
        return "<" + action + "Response " + IAM_NS + "><" + action + "Result>" + result + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></" + action + "Response>";
    }
}
