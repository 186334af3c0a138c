package dev.snapback.remediate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Put back the statements that denied insecure transport, which a bucket policy change ({@code eventPolicy}, the
 * policy the event set; {@code null} for a deletion) took away, from the policy before it.
 *
 * <p>The bucket's policy is read first. One that denies insecure transport needs nothing; one other than the event
 * left is a newer change, left alone ({@link Outcome.Superseded}). The policy before the change comes from CloudTrail's
 * event history of the bucket ({@code LookupEvents}, 90 days, the bucket's region): the newest policy change before
 * the event. Its TLS-only deny statements are added to the current policy, whose other statements are kept as they
 * are. When the history holds no earlier change, or that policy had no such deny, there is nothing to restore from:
 * paged, nothing changed.
 */
public record RestoreSecureTransportDeny(String accountId, String bucket, String eventPolicy) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            // Bucket ARNs name no account: the condition keeps the grant to this account's buckets.
            new IamGrant(List.of("s3:GetBucketPolicy", "s3:PutBucketPolicy"), List.of("arn:${AWS::Partition}:s3:::*"),
                    Map.of("StringEquals", Map.of("s3:ResourceAccount", List.of("${AWS::AccountId}")))),
            // CloudTrail's event history takes no resource-level permissions.
            IamGrant.of("*", "cloudtrail:LookupEvents"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> POLICY_CHANGES = Set.of("PutBucketPolicy", "DeleteBucketPolicy");
    private static final Duration HISTORY = Duration.ofDays(90);

    @Override
    public String describe() {
        return "restore the deny of insecure transport in the policy of bucket " + bucket + " from the policy before";
    }

    @Override
    public Verbs verbs() {
        return new Verbs("require TLS", "TLS required again");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        String region = cause.region();
        S3Client s3 = aws.s3(region);
        // The history first: walking it can take a while, and the policy is read, compared and written right after.
        Optional<PolicyChange> before = previousChange(aws, region, cause);
        Optional<JsonNode> now = current(s3);
        if (now.isPresent() && BucketPolicies.requiresTls(now.get(), bucket)) {
            return new Outcome.AlreadyCompliant("the policy of bucket " + bucket + " denies insecure transport");
        }
        boolean asTheEventLeft = eventPolicy == null ? now.isEmpty() : now.isPresent() && now.get().equals(parse(eventPolicy));
        if (!asTheEventLeft) {
            return new Outcome.Superseded("the policy of bucket " + bucket + " is not the one the event set, so it is left as"
                    + " it is: changed since (that change's own event is judged on its own), or stored by S3 in another form");
        }
        List<JsonNode> denies = before.flatMap(PolicyChange::policy).map(policy -> BucketPolicies.statements(policy).stream()
                .filter(statement -> BucketPolicies.deniesInsecureTransport(statement, bucket)).toList()).orElse(List.of());
        if (denies.isEmpty()) {
            return new Outcome.Paged("nothing to restore from: " + before.map(change -> "the policy before, set "
                    + change.time() + (change.policy().isPresent() ? ", did not deny insecure transport either" : " by its deletion, held none"))
                    .orElse("CloudTrail's 90-day history holds no earlier policy change of the bucket")
                    + "; add a Deny of aws:SecureTransport false by hand");
        }
        ObjectNode restored = now.map(policy -> (ObjectNode) policy.deepCopy())
                .orElseGet(() -> JSON.createObjectNode().put("Version", "2012-10-17"));
        var statements = restored.putArray("Statement");
        now.ifPresent(policy -> BucketPolicies.statements(policy).forEach(statements::add));
        denies.forEach(statements::add);
        s3.putBucketPolicy(r -> r.bucket(bucket).expectedBucketOwner(accountId).policy(restored.toString()));
        return new Outcome.Remediated(List.of("put back " + denies.size() + " statement(s) denying insecure transport, from the"
                + " policy set " + before.get().time() + ", into the policy of bucket " + bucket + ", keeping its "
                + (statements.size() - denies.size()) + " other statement(s)"), List.of(inverse(region)));
    }

    /** One change of the bucket's policy in CloudTrail's history: when, and the policy it set (none for a deletion). */
    private record PolicyChange(Instant time, Optional<JsonNode> policy) {
    }

    /** The newest policy change of the bucket before the event's, from CloudTrail's event history. */
    private Optional<PolicyChange> previousChange(AwsClients aws, String region, CloudTrailEvent cause) {
        var pages = aws.cloudTrail(region).lookupEventsPaginator(r -> r.lookupAttributes(a -> a
                .attributeKey(LookupAttributeKey.RESOURCE_NAME).attributeValue(bucket))
                .startTime(cause.time().minus(HISTORY)).endTime(cause.time()));
        for (Event event : pages.events()) {
            if (!POLICY_CHANGES.contains(event.eventName()) || cause.eventId().equals(event.eventId())) continue;
            JsonNode record = parse(event.cloudTrailEvent());
            // Only this account's own record of a successful change of this bucket.
            if (record.hasNonNull("errorCode") || !bucket.equals(Fields.text(record, "requestParameters", "bucketName"))
                    || !accountId.equals(Fields.text(record, "recipientAccountId"))) {
                continue;
            }
            JsonNode policy = BucketPolicies.policyOf(record.path("requestParameters"));
            return Optional.of(new PolicyChange(event.eventTime(), event.eventName().equals("PutBucketPolicy") && policy.isObject()
                    ? Optional.of(policy) : Optional.empty()));
        }
        return Optional.empty();
    }

    private Optional<JsonNode> current(S3Client s3) {
        return AwsErrors.unlessAbsent("NoSuchBucketPolicy", () -> s3.getBucketPolicy(r -> r.bucket(bucket)
                .expectedBucketOwner(accountId)).policy()).map(RestoreSecureTransportDeny::parse);
    }

    /** The AWS CLI command that puts back the policy the event left. */
    private String inverse(String region) {
        return eventPolicy == null
                ? "aws s3api delete-bucket-policy --region " + region + " --bucket " + AwsErrors.shellQuoted(bucket)
                : "aws s3api put-bucket-policy --region " + region + " --bucket " + AwsErrors.shellQuoted(bucket)
                        + " --policy " + AwsErrors.shellQuoted(eventPolicy);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
