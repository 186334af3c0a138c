package dev.snapback.config;

import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.event.RoleIdentity;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.Mode;
import dev.snapback.settings.IamArns;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The settings every detector shares, beside each detector's own.
 *
 * @param modes            mode per detector id; detectors not listed use their declared default
 * @param snapbackRoleArns Snapback's own role ARNs; their sessions' calls are ignored (by role identity, never by
 *                         prefix), which breaks loops
 * @param exemptResources  sanctioned resources by type ({@link #EXEMPTIBLE_TYPES}) and id: a finding is exempt only
 *                         when both match, so a resource named like an exempt one of another type is not
 * @param lateEventAfter   an event older than this when it is acted on is late: the current state is checked as
 *                         always, and the alert and the audit say how old it was (ISO-8601, default 15 minutes)
 */
public record SharedSettings(
        Map<String, Mode> modes,
        Set<String> snapbackRoleArns,
        Map<String, Set<String>> exemptResources,
        Duration lateEventAfter) {

    public static final SharedSettings DEFAULTS = new SharedSettings(Map.of(), Set.of(), Map.of(), Duration.ofMinutes(15));

    /**
     * The resource types that can be exempted, each with the form of its id. Every id here is assigned by AWS or
     * unique in the account (a key pair is exempted by its key-... id, never by its caller-chosen name).
     */
    public static final Map<String, Pattern> EXEMPTIBLE_TYPES = Map.ofEntries(
            Map.entry("AWS::EC2::SecurityGroup", Pattern.compile("sg-[0-9a-zA-Z]+")),
            Map.entry("AWS::EC2::NetworkAcl", Pattern.compile("acl-[0-9a-zA-Z]+")),
            Map.entry("AWS::EC2::KeyPair", Pattern.compile("key-[0-9a-zA-Z]+")),
            Map.entry("AWS::IAM::User", Pattern.compile("[\\w+=,.@-]{1,64}")),
            Map.entry("AWS::IAM::Role", Pattern.compile("[\\w+=,.@-]{1,64}")),
            Map.entry("AWS::CloudTrail::Trail", Pattern.compile("arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\\d{12}:trail/[A-Za-z0-9._-]{3,128}")),
            Map.entry("AWS::KMS::Key", Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/(?:[0-9a-f-]{36}|mrk-[0-9a-f]{32})")),
            // Recorders and delivery channels are regional, and named by their owner: region/name.
            Map.entry("AWS::Config::ConfigurationRecorder", Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d+/[\\w.+=,@-]{1,256}")),
            Map.entry("AWS::Config::DeliveryChannel", Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d+/[\\w.+=,@-]{1,256}")),
            Map.entry("AWS::GuardDuty::Detector", Pattern.compile("[0-9a-f]{32}")),
            // A region's one hub.
            Map.entry("AWS::SecurityHub::Hub", Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d+")),
            // Bucket names are unique across the partition.
            Map.entry("AWS::S3::Bucket", Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")),
            Map.entry("AWS::S3::AccountPublicAccessBlock", Pattern.compile("\\d{12}")));

    public SharedSettings {
        modes = Map.copyOf(modes);
        for (String id : modes.keySet()) {
            if (Detectors.SPECS.stream().noneMatch(spec -> spec.id().equals(id))) {
                throw new InvalidConfigException("modes." + id, "no detector has this id; known: "
                        + Detectors.SPECS.stream().map(DetectorSpec::id).toList());
            }
        }
        snapbackRoleArns = IamArns.requireExact("snapbackRoleArns", snapbackRoleArns);
        for (String arn : snapbackRoleArns) {
            if (RoleIdentity.ofRoleArn(arn).isEmpty()) {
                throw new InvalidConfigException("snapbackRoleArns", "not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): " + arn);
            }
        }
        exemptResources = requireExemptible(exemptResources);
        if (lateEventAfter.isNegative() || lateEventAfter.isZero()) {
            throw new InvalidConfigException("lateEventAfter", "must be a positive duration, got " + lateEventAfter);
        }
    }

    private static Map<String, Set<String>> requireExemptible(Map<String, Set<String>> exempt) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        exempt.forEach((type, ids) -> {
            Pattern id = EXEMPTIBLE_TYPES.get(type);
            if (id == null) {
                throw new InvalidConfigException("exemptResources." + type,
                        "not a resource type that can be exempted; known: " + new TreeSet<>(EXEMPTIBLE_TYPES.keySet()));
            }
            for (String value : ids) {
                if (!id.matcher(value).matches()) {
                    throw new InvalidConfigException("exemptResources." + type, "expected an id matching " + id + ", got " + value);
                }
            }
            out.put(type, Set.copyOf(ids));
        });
        return Map.copyOf(out);
    }
}
