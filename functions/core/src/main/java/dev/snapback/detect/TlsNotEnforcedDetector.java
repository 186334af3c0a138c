package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.BucketPolicies;
import dev.snapback.remediate.RestoreSecureTransportDeny;
import java.util.List;

/**
 * A bucket policy that no longer keeps transport to TLS: {@code PutBucketPolicy} with no statement that denies
 * everyone on {@code aws:SecureTransport} false, or {@code DeleteBucketPolicy}. The event holds only the new policy,
 * so whether the old one had such a deny is for the fix to find out ({@link RestoreSecureTransportDeny}, from
 * CloudTrail's history); it pages MEDIUM by default, and in {@code remediate} mode puts the deny back into the
 * current policy, keeping every other statement. A policy that cannot be read pages for review.
 */
public record TlsNotEnforcedDetector() implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "tls-not-enforced",
            "TLS no longer required",
            Family.TRANSPORT,
            Severity.MEDIUM,
            Mode.PAGE,
            List.of(EventPattern.apiCalls("s3", "PutBucketPolicy", "DeleteBucketPolicy")),
            RestoreSecureTransportDeny.GRANTS);

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        boolean ours = event.service().equals("s3")
                && (event.eventName().equals("PutBucketPolicy") || event.eventName().equals("DeleteBucketPolicy"));
        if (!ours) return Verdict.clean(event.eventName() + " changes no bucket policy");
        String bucket = Fields.text(event.request(), "bucketName");
        if (bucket == null) return review(event, "the request names no bucket (bucketName)");
        if (event.eventName().equals("DeleteBucketPolicy")) {
            return Verdict.flagged(finding(event, bucket, "policy deleted", null));
        }
        JsonNode policy = BucketPolicies.policyOf(event.request());
        if (!policy.isObject() || BucketPolicies.statements(policy).isEmpty()) {
            return review(event, "the request holds no bucketPolicy with statements that reads as JSON");
        }
        if (BucketPolicies.requiresTls(policy, bucket)) return Verdict.clean("the policy denies insecure transport");
        return Verdict.flagged(finding(event, bucket, "policy set without a deny of insecure transport", policy.toString()));
    }

    private static Finding finding(CloudTrailEvent event, String bucket, String change, String policy) {
        return new Finding(SPEC.id(), Severity.MEDIUM, "bucket " + bucket + " " + change, new ResourceRef(S3PublicAccessDetector.BUCKET, bucket),
                new RestoreSecureTransportDeny(event.account(), bucket, policy),
                Facts.of(event, "bucket", bucket, "region", event.region(), "change", change), event);
    }

    private static Verdict review(CloudTrailEvent event, String why) {
        return Verdict.flagged(Finding.needsReview(SPEC.id(), event, why));
    }
}
