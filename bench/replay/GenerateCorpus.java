import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a synthetic CloudTrail S3 log corpus like one account's: gzipped {"Records":[...]} files under
 * AWSLogs/<account>/CloudTrail/<region>/yyyy/mm/dd/, mostly read-only and benign management calls, about 0.5% of
 * the calls Snapback guards (a tenth of those failed). Deterministic for a given seed.
 *
 * Usage: java GenerateCorpus.java OUT_DIR RECORDS RECORDS_PER_FILE
 * Prints one line of facts: records, files, guarded calls, guarded calls that succeeded, bytes.
 */
public class GenerateCorpus {

    static final String ACCOUNT = "111122223333";
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "us-west-2");

    /** Benign calls, weighted roughly like a real account's management events. */
    static final String[][] BENIGN = {
            {"ec2", "DescribeInstances", "30"}, {"ec2", "DescribeSecurityGroups", "10"}, {"ec2", "DescribeVolumes", "6"},
            {"ec2", "DescribeNetworkInterfaces", "6"}, {"ec2", "DescribeSubnets", "4"}, {"ec2", "DescribeVpcs", "4"},
            {"sts", "AssumeRole", "16"}, {"sts", "GetCallerIdentity", "6"}, {"iam", "GetRole", "5"}, {"iam", "ListRoles", "3"},
            {"iam", "GetUser", "2"}, {"iam", "ListAttachedRolePolicies", "3"}, {"s3", "ListBuckets", "4"},
            {"s3", "GetBucketPolicy", "4"}, {"s3", "GetBucketAcl", "3"}, {"kms", "Decrypt", "12"}, {"kms", "GenerateDataKey", "6"},
            {"lambda", "ListFunctions20150331", "2"}, {"logs", "CreateLogStream", "5"}, {"logs", "DescribeLogGroups", "3"},
            {"cloudformation", "DescribeStacks", "3"}, {"ssm", "GetParameter", "6"}, {"ssm", "UpdateInstanceInformation", "4"},
            {"ec2", "CreateTags", "2"}, {"cloudtrail", "DescribeTrails", "1"}, {"cloudtrail", "LookupEvents", "1"},
            {"signin", "ConsoleLogin", "1"}, {"monitoring", "DescribeAlarms", "3"}, {"autoscaling", "DescribeAutoScalingGroups", "3"},
    };

    /** The calls Snapback's patterns name. */
    static final String[][] GUARDED = {
            {"ec2", "AuthorizeSecurityGroupIngress"}, {"ec2", "ModifySecurityGroupRules"}, {"ec2", "CreateKeyPair"},
            {"ec2", "ImportKeyPair"}, {"iam", "CreateAccessKey"}, {"iam", "UpdateAccessKey"}, {"iam", "DeactivateMFADevice"},
            {"iam", "DeleteVirtualMFADevice"}, {"iam", "EnableMFADevice"}, {"cloudtrail", "StopLogging"},
            {"cloudtrail", "DeleteTrail"}, {"cloudtrail", "UpdateTrail"}, {"cloudtrail", "PutEventSelectors"},
    };
    static final double GUARDED_SHARE = 0.005;
    static final double GUARDED_FAILED_SHARE = 0.1;

    static final int TOTAL_WEIGHT;
    static {
        int total = 0;
        for (String[] call : BENIGN) total += Integer.parseInt(call[2]);
        TOTAL_WEIGHT = total;
    }

    static final AtomicLong guarded = new AtomicLong();
    static final AtomicLong guardedSucceeded = new AtomicLong();
    static final AtomicLong bytes = new AtomicLong();

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long records = Long.parseLong(args[1]);
        int perFile = Integer.parseInt(args[2]);
        int files = (int) ((records + perFile - 1) / perFile);
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int f = 0; f < files; f++) {
            int file = f;
            int count = (int) Math.min(perFile, records - (long) f * perFile);
            done.add(pool.submit(() -> {
                writeFile(out, file, count, start.plusSeconds(file * 300L));
                return null;
            }));
        }
        for (Future<?> d : done) d.get();
        pool.shutdown();
        System.out.printf("records=%d files=%d guarded=%d guardedSucceeded=%d compressedBytes=%d%n",
                records, files, guarded.get(), guardedSucceeded.get(), bytes.get());
    }

    static void writeFile(Path out, int file, int count, Instant time) throws IOException {
        Random random = new Random(file * 7919L + 17);
        String region = REGIONS.get(file % REGIONS.size());
        String day = time.toString().substring(0, 10).replace('-', '/');
        String stamp = time.toString().substring(0, 16).replace("-", "").replace(":", "") + "Z";
        Path path = out.resolve("AWSLogs/" + ACCOUNT + "/CloudTrail/" + region + "/" + day + "/" + ACCOUNT
                + "_CloudTrail_" + region + "_" + stamp + "_" + Long.toHexString(random.nextLong() & 0xffffffffffffL) + ".json.gz");
        Files.createDirectories(path.getParent());
        StringBuilder json = new StringBuilder(count * 1600);
        json.append("{\"Records\":[");
        for (int i = 0; i < count; i++) {
            if (i > 0) json.append(',');
            record(json, random, region, time.plusMillis(i * 300_000L / count + random.nextInt(1000)));
        }
        json.append("]}");
        try (OutputStream raw = Files.newOutputStream(path);
             Writer writer = new OutputStreamWriter(new GZIPOutputStream(raw, 1 << 16), StandardCharsets.UTF_8)) {
            writer.append(json);
        }
        bytes.addAndGet(Files.size(path));
    }

    static void record(StringBuilder j, Random r, String region, Instant time) {
        String service;
        String name;
        String errorCode = null;
        boolean guardedCall = r.nextDouble() < GUARDED_SHARE;
        if (guardedCall) {
            String[] call = GUARDED[r.nextInt(GUARDED.length)];
            service = call[0];
            name = call[1];
            guarded.incrementAndGet();
            if (r.nextDouble() < GUARDED_FAILED_SHARE) errorCode = service.equals("ec2") ? "Client.UnauthorizedOperation" : "AccessDenied";
            else guardedSucceeded.incrementAndGet();
        } else {
            int pick = r.nextInt(TOTAL_WEIGHT);
            String[] call = BENIGN[0];
            for (String[] candidate : BENIGN) {
                pick -= Integer.parseInt(candidate[2]);
                if (pick < 0) { call = candidate; break; }
            }
            service = call[0];
            name = call[1];
            if (r.nextInt(50) == 0) errorCode = "AccessDenied";
        }
        boolean iam = service.equals("iam") || service.equals("sts") || service.equals("signin");
        String callRegion = service.equals("iam") || service.equals("signin") ? "us-east-1" : region;
        j.append("{\"eventVersion\":\"1.09\",\"userIdentity\":");
        identity(j, r, service, name);
        j.append(",\"eventTime\":\"").append(time.toString().substring(0, 19)).append("Z\"");
        j.append(",\"eventSource\":\"").append(service).append(".amazonaws.com\",\"eventName\":\"").append(name).append('"');
        j.append(",\"awsRegion\":\"").append(callRegion).append('"');
        j.append(",\"sourceIPAddress\":\"").append(r.nextInt(5) == 0 ? "AWS Internal" : ip(r)).append('"');
        j.append(",\"userAgent\":\"").append(agent(r)).append('"');
        if (errorCode != null) {
            j.append(",\"errorCode\":\"").append(errorCode).append("\",\"errorMessage\":\"User: arn:aws:sts::")
                    .append(ACCOUNT).append(":assumed-role/developer/alice is not authorized to perform: ")
                    .append(service).append(':').append(name).append('"');
        }
        // The rule an AuthorizeSecurityGroupIngress asks for is the rule its response lists, as in AWS's own records.
        Ingress ingress = name.equals("AuthorizeSecurityGroupIngress") ? Ingress.random(r) : null;
        j.append(",\"requestParameters\":");
        request(j, r, service, name, callRegion, ingress);
        j.append(",\"responseElements\":");
        if (errorCode != null) j.append("null");
        else response(j, r, service, name, ingress);
        j.append(",\"requestID\":\"").append(uuid(r)).append("\",\"eventID\":\"").append(uuid(r)).append('"');
        j.append(",\"readOnly\":").append(name.startsWith("Describe") || name.startsWith("List") || name.startsWith("Get") || name.equals("LookupEvents"));
        if (name.equals("ConsoleLogin")) j.append(",\"eventType\":\"AwsConsoleSignIn\"");
        else j.append(",\"eventType\":\"AwsApiCall\"");
        j.append(",\"managementEvent\":true,\"recipientAccountId\":\"").append(ACCOUNT).append("\",\"eventCategory\":\"Management\"");
        if (!iam || r.nextBoolean()) {
            j.append(",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"")
                    .append(service).append('.').append(callRegion).append(".amazonaws.com\"}");
        }
        j.append('}');
    }

    static final String[] ROLES = {"developer", "admin", "ci-deployer", "ReadOnly", "AWSReservedSSO_Admin_0123456789abcdef", "eks-node"};
    static final String[] USERS = {"alice", "bob", "carol", "dave", "ci-deployer"};

    static void identity(StringBuilder j, Random r, String service, String name) {
        int kind = r.nextInt(20);
        if (kind == 0 && !name.equals("ConsoleLogin")) {
            j.append("{\"type\":\"AWSService\",\"invokedBy\":\"").append(r.nextBoolean() ? "cloudformation" : "autoscaling").append(".amazonaws.com\"}");
        } else if (kind < 4) {
            String user = USERS[r.nextInt(USERS.length)];
            j.append("{\"type\":\"IAMUser\",\"principalId\":\"AIDA").append(hex(r, 16).toUpperCase()).append("\",\"arn\":\"arn:aws:iam::")
                    .append(ACCOUNT).append(":user/").append(user).append("\",\"accountId\":\"").append(ACCOUNT)
                    .append("\",\"accessKeyId\":\"AKIA").append(hex(r, 16).toUpperCase()).append("\",\"userName\":\"").append(user).append("\"}");
        } else {
            String role = ROLES[r.nextInt(ROLES.length)];
            String session = r.nextBoolean() ? USERS[r.nextInt(USERS.length)] : "i-" + hex(r, 17);
            String roleId = "AROA" + hex(r, 16).toUpperCase();
            j.append("{\"type\":\"AssumedRole\",\"principalId\":\"").append(roleId).append(':').append(session)
                    .append("\",\"arn\":\"arn:aws:sts::").append(ACCOUNT).append(":assumed-role/").append(role).append('/').append(session)
                    .append("\",\"accountId\":\"").append(ACCOUNT).append("\",\"accessKeyId\":\"ASIA").append(hex(r, 16).toUpperCase())
                    .append("\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"").append(roleId)
                    .append("\",\"arn\":\"arn:aws:iam::").append(ACCOUNT).append(":role/").append(role)
                    .append("\",\"accountId\":\"").append(ACCOUNT).append("\",\"userName\":\"").append(role)
                    .append("\"},\"attributes\":{\"creationDate\":\"2026-03-01T00:00:00Z\",\"mfaAuthenticated\":\"")
                    .append(r.nextBoolean()).append("\"}");
            if (r.nextInt(3) == 0) j.append(",\"ec2RoleDelivery\":\"2.0\"");
            j.append("}}");
        }
    }

    record Ingress(String groupId, int port, String cidr) {
        static Ingress random(Random r) {
            return new Ingress("sg-" + hex(r, 17), r.nextInt(4) == 0 ? 443 : 22, r.nextInt(3) == 0 ? "10.0.0.0/16" : "0.0.0.0/0");
        }
    }

    static void request(StringBuilder j, Random r, String service, String name, String region, Ingress ingress) {
        String trail = "arn:aws:cloudtrail:us-east-1:" + ACCOUNT + ":trail/management-trail";
        String user = USERS[r.nextInt(USERS.length)];
        switch (name) {
            case "DescribeInstances" -> j.append("{\"instancesSet\":{\"items\":[{\"instanceId\":\"i-").append(hex(r, 17))
                    .append("\"}]},\"filterSet\":{}}");
            case "DescribeSecurityGroups" -> j.append("{\"securityGroupSet\":{},\"securityGroupIdSet\":{\"items\":[{\"groupId\":\"sg-")
                    .append(hex(r, 17)).append("\"}]},\"filterSet\":{}}");
            case "AssumeRole" -> j.append("{\"roleArn\":\"arn:aws:iam::").append(ACCOUNT).append(":role/").append(ROLES[r.nextInt(ROLES.length)])
                    .append("\",\"roleSessionName\":\"").append(user).append("\",\"durationSeconds\":3600}");
            case "Decrypt", "GenerateDataKey" -> j.append("{\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\",\"keyId\":\"arn:aws:kms:")
                    .append(region).append(':').append(ACCOUNT).append(":key/").append(uuid(r)).append("\",\"encryptionContext\":{\"aws:lambda:FunctionArn\":\"arn:aws:lambda:")
                    .append(region).append(':').append(ACCOUNT).append(":function:orders-").append(r.nextInt(40)).append("\"}}");
            case "GetParameter" -> j.append("{\"name\":\"/app/prod/db-url-").append(r.nextInt(30)).append("\",\"withDecryption\":true}");
            case "CreateLogStream" -> j.append("{\"logGroupName\":\"/aws/lambda/orders-").append(r.nextInt(40))
                    .append("\",\"logStreamName\":\"2026/03/01/[$LATEST]").append(hex(r, 32)).append("\"}");
            case "AuthorizeSecurityGroupIngress" -> j.append("{\"groupId\":\"").append(ingress.groupId())
                    .append("\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":").append(ingress.port())
                    .append(",\"toPort\":").append(ingress.port()).append(",\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"")
                    .append(ingress.cidr()).append("\"}]},\"ipv6Ranges\":{},\"prefixListIds\":{}}]}}");
            case "ModifySecurityGroupRules" -> j.append("{\"ModifySecurityGroupRulesRequest\":{\"GroupId\":\"sg-").append(hex(r, 17))
                    .append("\",\"SecurityGroupRule\":{\"SecurityGroupRuleId\":\"sgr-").append(hex(r, 17))
                    .append("\",\"SecurityGroupRule\":{\"IpProtocol\":\"tcp\",\"FromPort\":3389,\"ToPort\":3389,\"CidrIpv4\":\"0.0.0.0/0\"}}}}");
            case "CreateKeyPair" -> j.append("{\"keyName\":\"kp-").append(user).append("\",\"keyType\":\"rsa\",\"keyFormat\":\"pem\"}");
            case "ImportKeyPair" -> j.append("{\"keyName\":\"kp-").append(user).append("\",\"publicKeyMaterial\":\"<sensitiveDataRemoved>\"}");
            case "CreateAccessKey" -> j.append("{\"userName\":\"").append(user).append("\"}");
            case "UpdateAccessKey" -> j.append("{\"userName\":\"").append(user).append("\",\"accessKeyId\":\"AKIA")
                    .append(hex(r, 16).toUpperCase()).append("\",\"status\":\"Active\"}");
            case "DeactivateMFADevice", "EnableMFADevice" -> j.append("{\"userName\":\"").append(user).append("\",\"serialNumber\":\"arn:aws:iam::")
                    .append(ACCOUNT).append(":mfa/").append(user).append("\"}");
            case "DeleteVirtualMFADevice" -> j.append("{\"serialNumber\":\"arn:aws:iam::").append(ACCOUNT).append(":mfa/").append(user).append("\"}");
            case "StopLogging", "DeleteTrail" -> j.append("{\"name\":\"").append(trail).append("\"}");
            case "UpdateTrail" -> j.append("{\"name\":\"").append(trail).append("\",\"isMultiRegionTrail\":false}");
            case "PutEventSelectors" -> j.append("{\"trailName\":\"").append(trail)
                    .append("\",\"eventSelectors\":[{\"readWriteType\":\"ReadOnly\",\"includeManagementEvents\":true,\"dataResources\":[],\"excludeManagementEventSources\":[]}]}");
            default -> j.append(r.nextBoolean() ? "null" : "{\"maxResults\":" + (50 + r.nextInt(50)) + "}");
        }
    }

    static void response(StringBuilder j, Random r, String service, String name, Ingress ingress) {
        switch (name) {
            case "AssumeRole" -> j.append("{\"credentials\":{\"accessKeyId\":\"ASIA").append(hex(r, 16).toUpperCase())
                    .append("\",\"sessionToken\":\"").append(hex(r, 120)).append("\",\"expiration\":\"Mar 1, 2026, 1:00:00 PM\"},\"assumedRoleUser\":{\"assumedRoleId\":\"AROA")
                    .append(hex(r, 16).toUpperCase()).append(":session\",\"arn\":\"arn:aws:sts::").append(ACCOUNT).append(":assumed-role/developer/session\"}}");
            case "AuthorizeSecurityGroupIngress" -> j.append("{\"requestId\":\"").append(uuid(r))
                    .append("\",\"_return\":true,\"securityGroupRuleSet\":{\"items\":[{\"groupOwnerId\":\"").append(ACCOUNT)
                    .append("\",\"groupId\":\"").append(ingress.groupId()).append("\",\"securityGroupRuleId\":\"sgr-").append(hex(r, 17))
                    .append("\",\"isEgress\":false,\"ipProtocol\":\"tcp\",\"fromPort\":").append(ingress.port()).append(",\"toPort\":")
                    .append(ingress.port()).append(",\"cidrIpv4\":\"").append(ingress.cidr()).append("\"}]}}");
            case "CreateAccessKey" -> j.append("{\"accessKey\":{\"accessKeyId\":\"AKIA").append(hex(r, 16).toUpperCase())
                    .append("\",\"status\":\"Active\",\"userName\":\"bob\",\"createDate\":\"Mar 1, 2026, 12:00:00 PM\"}}");
            case "CreateKeyPair" -> j.append("{\"requestId\":\"").append(uuid(r)).append("\",\"keyName\":\"kp\",\"keyFingerprint\":\"")
                    .append(hex(r, 40)).append("\",\"keyPairId\":\"key-").append(hex(r, 17)).append("\",\"keyMaterial\":\"<sensitiveDataRemoved>\"}");
            case "ConsoleLogin" -> j.append("{\"ConsoleLogin\":\"Success\"}");
            default -> j.append("null");
        }
    }

    static String ip(Random r) {
        return (r.nextInt(200) + 20) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
    }

    static String agent(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe command/ec2.describe-instances";
            case 1 -> "aws-sdk-java/2.25.16 Linux/5.10.210-201.852.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.2+13-LTS Java/21.0.2 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy";
            case 2 -> "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69";
            case 3 -> "AWS Internal";
            default -> "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36";
        };
    }

    static String uuid(Random r) {
        return new UUID(r.nextLong(), r.nextLong()).toString();
    }

    static String hex(Random r, int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) s.append(Long.toHexString(r.nextLong() | Long.MIN_VALUE));
        return s.substring(0, length);
    }
}
