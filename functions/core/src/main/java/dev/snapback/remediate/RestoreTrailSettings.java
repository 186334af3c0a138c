package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.cloudtrail.model.UpdateTrailRequest;

/**
 * Restore the trail settings an {@code UpdateTrail} weakened; {@code null} fields are left as they are.
 *
 * <p>The trail is read first ({@code GetTrail}) and only what is still as the event left it is restored: a flag that
 * is on again needs nothing, and a KMS key set since the event (neither the event's nor the configured one) is a
 * newer choice that is left alone ({@link Outcome.Superseded}).
 */
public record RestoreTrailSettings(String trailArn, String homeRegion, Boolean multiRegion,
                                   Boolean includeGlobalServiceEvents, Boolean logFileValidation, String kmsKeyId)
        implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(IamGrant.of(
            "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*", "cloudtrail:GetTrail", "cloudtrail:UpdateTrail"));

    @Override
    public String describe() {
        return describe(Boolean.TRUE.equals(multiRegion), Boolean.TRUE.equals(includeGlobalServiceEvents),
                Boolean.TRUE.equals(logFileValidation), kmsKeyId != null);
    }

    private String describe(boolean multi, boolean global, boolean validation, boolean kms) {
        List<String> what = new ArrayList<>();
        if (multi) what.add("multi-region");
        if (global) what.add("global service events");
        if (validation) what.add("log file validation");
        if (kms) what.add("KMS encryption");
        return "restore " + String.join(", ", what) + " on " + trailArn;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("restore trail settings", "trail settings restored");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        CloudTrailClient cloudTrail = aws.cloudTrail(homeRegion);
        Trail trail = cloudTrail.getTrail(r -> r.name(trailArn)).trail();
        List<String> fine = new ArrayList<>();
        List<String> newer = new ArrayList<>();
        boolean multi = stillOff(multiRegion, trail.isMultiRegionTrail(), "multi-region", fine);
        boolean global = stillOff(includeGlobalServiceEvents, trail.includeGlobalServiceEvents(), "global service events", fine);
        boolean validation = stillOff(logFileValidation, trail.logFileValidationEnabled(), "log file validation", fine);
        boolean kms = false;
        if (kmsKeyId != null) {
            String present = blankToNull(trail.kmsKeyId());
            if (kmsKeyId.equals(present)) fine.add("the configured KMS key is back");
            else if (Objects.equals(present, keySetBy(cause))) kms = true;
            else newer.add("the KMS key is now " + Objects.requireNonNullElse(present, "none") + ", set since the event");
        }
        if (!multi && !global && !validation && !kms) {
            return newer.isEmpty() ? new Outcome.AlreadyCompliant(String.join("; ", fine))
                    : new Outcome.Superseded(String.join("; ", Stream.concat(newer.stream(), fine.stream()).toList())
                            + "; left as it is");
        }
        UpdateTrailRequest.Builder request = UpdateTrailRequest.builder().name(trailArn);
        StringBuilder inverse = new StringBuilder("aws cloudtrail update-trail --region ").append(homeRegion)
                .append(" --name ").append(trailArn);
        if (multi) {
            request.isMultiRegionTrail(true);
            inverse.append(" --no-is-multi-region-trail");
        }
        if (global) {
            request.includeGlobalServiceEvents(true);
            inverse.append(" --no-include-global-service-events");
        }
        if (validation) {
            request.enableLogFileValidation(true);
            inverse.append(" --no-enable-log-file-validation");
        }
        if (kms) {
            request.kmsKeyId(kmsKeyId);
            String before = keySetBy(cause);
            inverse.append(" --kms-key-id ").append(before == null ? "\"\"" : before);
        }
        cloudTrail.updateTrail(request.build());
        List<String> notes = Stream.concat(fine.stream(), newer.stream()).toList();
        return new Outcome.Remediated(List.of(describe(multi, global, validation, kms)
                + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")")), List.of(inverse.toString()));
    }

    /** Whether a flag the event turned off ({@code restore} true) is still off; notes it in {@code fine} otherwise. */
    private static boolean stillOff(Boolean restore, Boolean present, String name, List<String> fine) {
        if (!Boolean.TRUE.equals(restore)) return false;
        if (Boolean.TRUE.equals(present)) {
            fine.add(name + " is on again");
            return false;
        }
        return true;
    }

    /** The key the event left on the trail, by ARN when the response names it; {@code null} when it dropped encryption. */
    private static String keySetBy(CloudTrailEvent cause) {
        String responded = Fields.text(cause.response(), "kmsKeyId");
        return responded != null ? responded : Fields.text(cause.request(), "kmsKeyId");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
