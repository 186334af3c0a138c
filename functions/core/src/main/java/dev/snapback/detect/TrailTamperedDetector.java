package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.Remediation;
import dev.snapback.remediate.RestoreEventSelectors;
import dev.snapback.remediate.RestoreTrailSettings;
import dev.snapback.remediate.StartLogging;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudTrail trail stopped, deleted, or weakened (multi-region, global events, validation, KMS, selectors).
 *
 * <ul>
 *   <li>{@code StopLogging}: start logging again, in the trail's home region (from its ARN, else the call's region).</li>
 *   <li>{@code DeleteTrail}: page, CRITICAL; the event does not hold what it would take to recreate the trail.</li>
 *   <li>{@code UpdateTrail} turning off multi-region, global service events or log file validation: turn exactly those
 *       back on. Dropping KMS encryption, or replacing the key configured for the trail in {@code trailKmsKeys} with
 *       another: restore the configured key. Dropping it with none configured: page (the previous key is not in the
 *       event, and Snapback never guesses one).</li>
 *   <li>{@code UpdateTrail} that sets where logs are delivered ({@link #DESTINATIONS}: bucket, prefix, CloudWatch
 *       Logs group or role, SNS topic): page, naming the new destination; redirected logs are a classic way to hide
 *       activity, and the previous destination is not in the event.</li>
 *   <li>{@code PutEventSelectors} (basic or advanced selectors) that stop logging write management events: put back
 *       the call's own selectors plus the least change that logs them again (see {@link ManagementEventSelectors}).</li>
 * </ul>
 */
public record TrailTamperedDetector(TrailSettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "trail-tampered",
            "CloudTrail trail stopped, deleted or weakened",
            Family.TRAILS,
            Severity.HIGH,
            Mode.REMEDIATE,
            // Advanced event selectors are set through PutEventSelectors too: CloudTrail has no other API for them.
            List.of(EventPattern.apiCalls("cloudtrail", "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors")),
            IamGrant.allOf(StartLogging.GRANTS, RestoreTrailSettings.GRANTS, RestoreEventSelectors.GRANTS));

    private static final String TRAIL = "AWS::CloudTrail::Trail";
    private static final Pattern TRAIL_ARN =
            Pattern.compile("arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\\d{12}):trail/([A-Za-z0-9._-]{3,128})");
    /** Request keys of UpdateTrail that move (or remove) where the trail's logs and notifications go. */
    static final List<String> DESTINATIONS = List.of("s3BucketName", "s3KeyPrefix", "cloudWatchLogsLogGroupArn",
            "cloudWatchLogsRoleArn", "snsTopicName");
    private static final Pattern TRAIL_NAME = Pattern.compile("[A-Za-z0-9._-]{3,128}");

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        String nameField = event.eventName().equals("PutEventSelectors") ? "trailName" : "name";
        String named = Fields.text(event.request(), nameField);
        Trail trail = Trail.of(event, Fields.text(event.response(), "trailARN"), named);
        if (trail == null) {
            return review(event, "the request names no trail that Snapback can read (" + nameField + ": "
                    + (named == null ? "absent" : "'" + named + "'") + ")");
        }
        return switch (event.eventName()) {
            case "StopLogging" -> Verdict.flagged(finding(event, Severity.HIGH, "trail " + trail.name() + " stopped logging",
                    trail, new StartLogging(trail.arn(), trail.homeRegion()), Map.of()));
            case "DeleteTrail" -> Verdict.flagged(finding(event, Severity.CRITICAL, "trail " + trail.name() + " deleted",
                    trail, new PageOnly("the trail was deleted; the event does not hold its bucket,"
                            + " selectors or KMS key, so Snapback cannot recreate it: recreate it from its source of"
                            + " truth and review what happened while it was gone"), Map.of()));
            case "UpdateTrail" -> updated(event, trail);
            case "PutEventSelectors" -> selectorsPut(event, trail);
            default -> Verdict.clean(event.eventName() + " does not weaken a trail");
        };
    }

    /** A trail by ARN and home region; the ARN from the response when present, else built from the request's name. */
    private record Trail(String arn, String homeRegion, String name) {

        static Trail of(CloudTrailEvent event, String responseArn, String requestName) {
            String arn = responseArn != null ? responseArn : requestName;
            if (arn == null) return null;
            if (!arn.startsWith("arn:")) {
                if (!TRAIL_NAME.matcher(arn).matches()) return null;
                arn = "arn:" + event.partition() + ":cloudtrail:" + event.region() + ":" + event.account() + ":trail/" + arn;
            }
            Matcher parts = TRAIL_ARN.matcher(arn);
            return parts.matches() ? new Trail(arn, parts.group(1), parts.group(3)) : null;
        }
    }

    private Verdict updated(CloudTrailEvent event, Trail trail) {
        JsonNode request = event.request();
        List<String> problems = new ArrayList<>();
        Boolean multiRegion = turnedOff(request, "isMultiRegionTrail", problems);
        Boolean globalEvents = turnedOff(request, "includeGlobalServiceEvents", problems);
        Boolean validation = turnedOff(request, "enableLogFileValidation", problems);
        JsonNode kms = request.path("kmsKeyId");
        if (!kms.isMissingNode() && !kms.isNull() && !kms.isTextual()) problems.add("kmsKeyId is not a string");
        boolean kmsDropped = kms.isTextual() && kms.asText().isBlank();
        String configuredKey = settings.trailKmsKeys().get(trail.arn());
        String requestedKey = Fields.text(request, "kmsKeyId");
        // The response names the key by ARN even when the request used an alias or a key ID.
        String respondedKey = Fields.text(event.response(), "kmsKeyId");
        String newKey = respondedKey != null ? respondedKey : requestedKey;
        boolean kmsReplaced = requestedKey != null && configuredKey != null && !configuredKey.equals(newKey);
        String restoredKey = kmsDropped || kmsReplaced ? configuredKey : null;

        List<String> weakened = new ArrayList<>();
        if (multiRegion != null) weakened.add("multi-region off");
        if (globalEvents != null) weakened.add("global service events off");
        if (validation != null) weakened.add("log file validation off");
        if (restoredKey != null) weakened.add(kmsDropped ? "KMS encryption removed" : "KMS key replaced");
        List<Finding> findings = new ArrayList<>();
        if (!weakened.isEmpty()) {
            findings.add(finding(event, Severity.HIGH, "trail " + trail.name() + " weakened: " + String.join(", ", weakened),
                    trail, new RestoreTrailSettings(trail.arn(), trail.homeRegion(), multiRegion,
                            globalEvents, validation, restoredKey), Map.of()));
        }
        if (kmsDropped && configuredKey == null) {
            findings.add(finding(event, Severity.HIGH, "trail " + trail.name() + " KMS encryption removed", trail,
                    new PageOnly("KMS encryption was removed from the trail; the previous key is not in the"
                            + " event and trailKmsKeys configures none for " + trail.arn() + ", so Snapback does not"
                            + " guess one: re-enable encryption with the right key"), Map.of()));
        }
        Map<String, String> destinations = destinations(request, problems);
        if (!destinations.isEmpty()) {
            List<String> changes = destinations.entrySet().stream().map(d -> d.getKey() + ": " + d.getValue()).toList();
            findings.add(finding(event, Severity.HIGH, "trail " + trail.name() + " log delivery changed: "
                    + String.join(", ", changes), trail, new PageOnly("the trail's log delivery was changed ("
                    + String.join("; ", changes) + "); redirected or removed logs hide activity, and the previous"
                    + " destination is not in the event, so Snapback does not guess it: confirm the change or restore"
                    + " the destination"), destinations));
        }
        if (!problems.isEmpty()) {
            findings.add(finding(event, Severity.HIGH, "trail " + trail.name() + " update needs review", trail,
                    new PageOnly("Snapback could not read part of this UpdateTrail event ("
                            + String.join("; ", problems) + "); nothing was changed for it, please review"), Map.of()));
        }
        return findings.isEmpty()
                ? Verdict.clean("UpdateTrail turned off nothing Snapback guards")
                : Verdict.flagged(findings);
    }

    /** The destination keys the request sets, with their new values ("(removed)" for an empty one), in a fixed order. */
    private static Map<String, String> destinations(JsonNode request, List<String> problems) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String key : DESTINATIONS) {
            JsonNode value = request.path(key);
            if (value.isMissingNode() || value.isNull()) continue;
            if (value.isTextual()) {
                set.put(key, value.asText().isBlank() ? "(removed)" : value.asText().trim());
            } else {
                problems.add(key + " is not a string");
            }
        }
        return set;
    }

    /** {@code TRUE} (to restore) when the request set the flag to false; {@code null} when it left it alone. */
    private static Boolean turnedOff(JsonNode request, String field, List<String> problems) {
        JsonNode value = request.path(field);
        if (value.isMissingNode() || value.isNull()) return null;
        if (!value.isBoolean()) {
            problems.add(field + " is not a boolean");
            return null;
        }
        return value.booleanValue() ? null : Boolean.TRUE;
    }

    private Verdict selectorsPut(CloudTrailEvent event, Trail trail) {
        JsonNode basic = event.request().path("eventSelectors");
        JsonNode advanced = event.request().path("advancedEventSelectors");
        boolean isAdvanced = !advanced.isMissingNode() && !advanced.isNull();
        ManagementEventSelectors.Repair repair;
        if (isAdvanced == (!basic.isMissingNode() && !basic.isNull())) {
            repair = new ManagementEventSelectors.Repair.Impossible("the PutEventSelectors request carries "
                    + (isAdvanced ? "both eventSelectors and" : "neither eventSelectors nor") + " advancedEventSelectors");
        } else {
            repair = ManagementEventSelectors.of(isAdvanced ? advanced : basic, isAdvanced);
        }
        return switch (repair) {
            case ManagementEventSelectors.Repair.Intact _ -> Verdict.clean("the trail still logs write management events");
            case ManagementEventSelectors.Repair.Corrected corrected -> Verdict.flagged(finding(event, Severity.HIGH,
                    "trail " + trail.name() + " stopped logging write management events", trail,
                    new RestoreEventSelectors(trail.arn(), trail.homeRegion(),
                            corrected.selectors().toString(), isAdvanced),
                    Map.of("change", corrected.change() + "; every other selector is put back as the call set it")));
            case ManagementEventSelectors.Repair.Impossible impossible -> Verdict.flagged(finding(event, Severity.HIGH,
                    "trail " + trail.name() + " event selectors need review", trail,
                    new PageOnly(impossible.reason()), Map.of()));
        };
    }

    private static Finding finding(CloudTrailEvent event, Severity severity, String title, Trail trail,
                                   Remediation remediation, Map<String, String> extra) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("trail", trail.arn());
        context.put("homeRegion", trail.homeRegion());
        context.putAll(extra);
        return new Finding(SPEC.id(), severity, title, new ResourceRef(TRAIL, trail.arn()), remediation, context, event);
    }

    private static Verdict review(CloudTrailEvent event, String why) {
        return Verdict.flagged(Finding.needsReview(SPEC.id(), event, why));
    }
}
