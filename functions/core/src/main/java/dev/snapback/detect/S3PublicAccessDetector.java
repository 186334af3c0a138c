package dev.snapback.detect;

import static dev.snapback.remediate.BucketPolicies.isEveryone;
import static dev.snapback.remediate.BucketPolicies.objects;
import static dev.snapback.remediate.BucketPolicies.policyOf;
import static dev.snapback.remediate.BucketPolicies.statements;
import static dev.snapback.remediate.BucketPolicies.texts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Cidr;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.RestorePublicAccessBlock;
import dev.snapback.remediate.RestorePublicAccessBlock.PublicAccessFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * S3 opened to the internet: Block Public Access turned off or deleted, for a bucket ({@code PutBucketPublicAccessBlock}
 * with a setting off, {@code DeleteBucketPublicAccessBlock}) or for the account ({@code PutAccountPublicAccessBlock},
 * {@code DeleteAccountPublicAccessBlock}, the S3 Control calls, which CloudTrail records from {@code s3.amazonaws.com}
 * in the region of the endpoint called). All four settings are turned back on after reading them
 * ({@link RestorePublicAccessBlock}); the account's page CRITICAL, since they cover every bucket.
 *
 * <p>A bucket granted to everyone pages HIGH (CIS 4.8): an ACL to the {@code AllUsers} or {@code AuthenticatedUsers}
 * group (a canned ACL, a grant header, or the body's grants), or a policy statement that allows {@code Principal: "*"}
 * (or uses {@code NotPrincipal}) without a condition. Sanctioned public buckets, such as a static website, are exempt
 * by name ({@code exemptResources} of type {@code AWS::S3::Bucket}). A part of the event that cannot be read with
 * certainty is paged with the reason and never acted on.
 */
public record S3PublicAccessDetector() implements Detector {

    private static final String PUT_BUCKET = "PutBucketPublicAccessBlock";
    private static final String DELETE_BUCKET = "DeleteBucketPublicAccessBlock";
    private static final String PUT_ACCOUNT = "PutAccountPublicAccessBlock";
    private static final String DELETE_ACCOUNT = "DeleteAccountPublicAccessBlock";

    public static final DetectorSpec SPEC = new DetectorSpec(
            "s3-public-access-unblocked",
            "S3 opened to the public",
            Family.DATA,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("s3", PUT_BUCKET, DELETE_BUCKET, PUT_ACCOUNT, DELETE_ACCOUNT, "PutBucketAcl",
                    "PutBucketPolicy")),
            RestorePublicAccessBlock.GRANTS);

    static final String BUCKET = "AWS::S3::Bucket";
    static final String ACCOUNT_BLOCK = "AWS::S3::AccountPublicAccessBlock";
    private static final Set<String> PUBLIC_CANNED = Set.of("public-read", "public-read-write", "authenticated-read");
    private static final Set<String> PRIVATE_CANNED = Set.of("private", "aws-exec-read", "bucket-owner-read",
            "bucket-owner-full-control", "log-delivery-write");
    private static final List<String> PUBLIC_GROUPS = List.of("AllUsers", "AuthenticatedUsers");
    private static final Set<String> RESTRICTING_OPERATORS = Set.of("StringEquals", "StringEqualsIgnoreCase", "StringLike",
            "ArnEquals", "ArnLike", "IpAddress", "ForAnyValue:StringEquals", "ForAnyValue:StringLike");
    /** Lower-cased: IAM reads condition keys in any case. */
    private static final Set<String> RESTRICTING_KEYS = Set.of("aws:principalorgid", "aws:principalorgpaths",
            "aws:principalaccount", "aws:principalarn", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceaccount",
            "aws:sourcearn", "aws:sourceorgid", "aws:sourceip", "aws:userid");
    private static final List<String> GRANT_HEADERS = List.of("x-amz-grant-read", "x-amz-grant-write",
            "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control");

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        if (!event.service().equals("s3")) return Verdict.clean(event.eventName() + " is no S3 call");
        return switch (event.eventName()) {
            case PUT_BUCKET, DELETE_BUCKET, "PutBucketAcl", "PutBucketPolicy" -> {
                String bucket = Fields.text(event.request(), "bucketName");
                if (bucket == null) yield review(event, "the request names no bucket (bucketName)");
                String owner = bucketOwner(event);
                if (owner != null && !owner.equals(event.account())) {
                    yield review(event, "bucket " + bucket + " belongs to account " + owner + ", not this one");
                }
                yield switch (event.eventName()) {
                    case PUT_BUCKET -> blockPut(event, bucket);
                    case DELETE_BUCKET -> blockDeleted(event, bucket);
                    case "PutBucketAcl" -> acl(event, bucket);
                    default -> policy(event, bucket);
                };
            }
            case PUT_ACCOUNT -> blockPut(event, null);
            case DELETE_ACCOUNT -> blockDeleted(event, null);
            default -> Verdict.clean(event.eventName() + " opens nothing to the public");
        };
    }

    private Verdict blockPut(CloudTrailEvent event, String bucket) {
        JsonNode set = event.request().path("PublicAccessBlockConfiguration");
        if (!set.isObject()) return review(event, "the request holds no PublicAccessBlockConfiguration");
        Boolean[] flags = new Boolean[4];
        String[] names = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"};
        for (int i = 0; i < names.length; i++) {
            JsonNode flag = set.path(names[i]);
            if (flag.isMissingNode()) continue;
            if (flag.isBoolean() || flag.isTextual() && (flag.asText().equals("true") || flag.asText().equals("false"))) {
                flags[i] = flag.asBoolean();
            } else {
                return review(event, names[i] + " is " + flag + ", neither true nor false");
            }
        }
        PublicAccessFlags put = new PublicAccessFlags(flags[0], flags[1], flags[2], flags[3]);
        if (put.allOn()) return Verdict.clean("all four Block Public Access settings on");
        return Verdict.flagged(unblocked(event, bucket, put, "turned off " + String.join(", ", put.off())));
    }

    private Verdict blockDeleted(CloudTrailEvent event, String bucket) {
        return Verdict.flagged(unblocked(event, bucket, null, "deleted"));
    }

    private static Finding unblocked(CloudTrailEvent event, String bucket, PublicAccessFlags put, String change) {
        String target = bucket != null ? "bucket " + bucket : "account " + event.account();
        ResourceRef resource = bucket != null ? new ResourceRef(BUCKET, bucket) : new ResourceRef(ACCOUNT_BLOCK, event.account());
        return new Finding(SPEC.id(), bucket != null ? Severity.HIGH : Severity.CRITICAL,
                "Block Public Access of " + target + " " + change, resource,
                new RestorePublicAccessBlock(event.account(), bucket, put),
                Facts.of(event, bucket != null ? "bucket" : "account", bucket != null ? bucket : event.account(),
                        "region", event.region(), "change", change), event);
    }

    /** Grants to everyone: a canned ACL, a grant header, or a grant of the body's access control list. */
    private Verdict acl(CloudTrailEvent event, String bucket) {
        JsonNode request = event.request();
        boolean stated = request.has("x-amz-acl") || request.has("AccessControlPolicy")
                || GRANT_HEADERS.stream().anyMatch(request::has);
        if (!stated) return review(event, "the request holds no ACL: no x-amz-acl, grant header or AccessControlPolicy");
        Set<String> grants = new TreeSet<>();
        for (String canned : texts(request.path("x-amz-acl"))) {
            String name = canned.trim().toLowerCase(Locale.ROOT);
            if (PUBLIC_CANNED.contains(name)) grants.add("canned ACL " + name);
            else if (!PRIVATE_CANNED.contains(name)) return review(event, "the canned ACL '" + canned + "' is not one S3 defines");
        }
        for (String header : GRANT_HEADERS) {
            for (String value : texts(request.path(header))) {
                publicGroup(value).ifPresent(group -> grants.add(header.substring("x-amz-grant-".length())
                        .toUpperCase(Locale.ROOT).replace('-', '_') + " to " + group));
            }
        }
        for (JsonNode grant : objects(request.at("/AccessControlPolicy/AccessControlList/Grant"))) {
            for (Map.Entry<String, JsonNode> grantee : grant.path("Grantee").properties()) {
                if (!grantee.getValue().isTextual()) continue;
                publicGroup(grantee.getValue().asText()).ifPresent(group -> grants.add(Fields.text(grant, "Permission") + " to " + group));
            }
        }
        if (grants.isEmpty()) return Verdict.clean("the ACL grants nothing to AllUsers or AuthenticatedUsers");
        return Verdict.flagged(granted(event, bucket, "ACL", List.copyOf(grants)));
    }

    /** Statements that allow anyone, unconditionally. */
    private Verdict policy(CloudTrailEvent event, String bucket) {
        JsonNode policy = policyOf(event.request());
        if (!policy.isObject()) return review(event, "the request holds no bucketPolicy that reads as JSON");
        List<JsonNode> statements = statements(policy);
        if (statements.isEmpty()) return review(event, "the bucketPolicy holds no Statement");
        List<String> open = new ArrayList<>();
        for (JsonNode statement : statements) {
            // Anything but a Deny is read as an Allow: a misspelt effect never hides a grant.
            if ("deny".equalsIgnoreCase(String.valueOf(Fields.text(statement, "Effect")).trim())) continue;
            boolean anyone = statement.has("NotPrincipal") || isEveryone(statement.path("Principal"));
            if (anyone && !restrictsWho(statement.path("Condition"))) {
                String sid = Fields.text(statement, "Sid");
                open.add((sid != null ? "statement " + sid + ": " : "") + String.join(", ", texts(statement.path("Action")))
                        + (statement.has("NotPrincipal") ? " to all but NotPrincipal" : " to Principal *")
                        + (statement.path("Condition").isEmpty() ? "" : " under a condition that does not limit who"));
            }
        }
        if (open.isEmpty()) return Verdict.clean("the policy allows no one but under a condition that limits who");
        return Verdict.flagged(granted(event, bucket, "policy", open));
    }

    private static Finding granted(CloudTrailEvent event, String bucket, String what, List<String> grants) {
        return new Finding(SPEC.id(), Severity.HIGH, "bucket " + bucket + " " + what + " grants access to everyone",
                new ResourceRef(BUCKET, bucket), new PageOnly("the bucket's " + what + " grants " + String.join("; ", grants)
                + ": remove the grant unless the bucket is meant to be public, and then exempt it by name"),
                Facts.of(event, "bucket", bucket, "region", event.region(), "grants", String.join("; ", grants)), event);
    }

    /**
     * Whether a condition limits who may use the grant: a positive test (no {@code IfExists}, no negation, no
     * {@code Null}) of a key that names the caller's organization, account, network or source, with no wildcard, and
     * for {@code aws:SourceIp} no range as broad as the internet. Anything else ({@code aws:SecureTransport},
     * {@code aws:UserAgent}, {@code aws:Referer}, which the caller sets) limits nothing.
     */
    private static boolean restrictsWho(JsonNode condition) {
        for (Map.Entry<String, JsonNode> test : condition.properties()) {
            String operator = test.getKey();
            if (!RESTRICTING_OPERATORS.contains(operator)) continue;
            for (Map.Entry<String, JsonNode> key : test.getValue().properties()) {
                List<String> values = texts(key.getValue());
                if (!RESTRICTING_KEYS.contains(key.getKey().toLowerCase(Locale.ROOT)) || values.isEmpty()
                        || values.stream().anyMatch(value -> value.contains("*"))) {
                    continue;
                }
                if (key.getKey().equalsIgnoreCase("aws:SourceIp") && values.stream().anyMatch(S3PublicAccessDetector::broad)) continue;
                return true;
            }
        }
        return false;
    }

    /** As broad as {@code security-group-opened}'s defaults count as the internet, or not a range at all. */
    private static boolean broad(String cidr) {
        try {
            return SecurityGroupSettings.DEFAULTS.isBroad(Cidr.parse(cidr));
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** {@code AllUsers} or {@code AuthenticatedUsers}, when a grantee names one of them, in any spelling of its URI. */
    private static Optional<String> publicGroup(String grantee) {
        String lower = grantee.toLowerCase(Locale.ROOT);
        return PUBLIC_GROUPS.stream().filter(group -> lower.contains("acs.amazonaws.com/groups/global/" + group.toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** The account the record's resources give the bucket, when they give one. */
    private static String bucketOwner(CloudTrailEvent event) {
        for (JsonNode resource : Fields.items(event.record().path("resources"))) {
            if (BUCKET.equals(Fields.text(resource, "type"))) return Fields.text(resource, "accountId");
        }
        return null;
    }

    private static Verdict review(CloudTrailEvent event, String why) {
        return Verdict.flagged(Finding.needsReview(SPEC.id(), event, why));
    }
}
