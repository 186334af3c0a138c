package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import java.util.List;
import java.util.Optional;

/**
 * Any successful API call or console sign-in by the root user (CIS AWS Foundations 4.3), in every service and
 * every region with a Snapback stack, reads included.
 * The pattern leaves out calls AWS makes on root's behalf ({@code invokedBy}) and AWS service events. Never
 * remediated: root cannot be locked out by anything Snapback may do. CRITICAL, or HIGH inside a configured
 * break-glass window.
 */
public record RootActivityDetector(RootSettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "root-activity",
            "Root user activity",
            Family.IDENTITY,
            Severity.CRITICAL,
            Mode.PAGE,
            List.of(EventPattern.callsBy("Root")),
            List.of());

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        if ("AwsServiceEvent".equals(event.record().path("eventType").textValue())) {
            return Verdict.clean("an AWS service event, not a call by root");
        }
        boolean signIn = event.eventName().equals("ConsoleLogin");
        if (signIn && !"Success".equals(Fields.text(event.response(), "ConsoleLogin"))) {
            return Verdict.clean("root's sign-in did not succeed; console-login-without-mfa counts repeated failures");
        }
        Optional<RootSettings.Window> window = settings.windowAt(event.time());
        String title = signIn ? "root signed in to the console" : "root called " + event.service() + ":" + event.eventName();
        return Verdict.flagged(new Finding(SPEC.id(), window.isPresent() ? Severity.HIGH : Severity.CRITICAL, title,
                Facts.rootUser(event),
                new PageOnly("root's activity is never changed automatically; confirm who used root and why, and that"
                        + " root's credentials are still only where they should be"),
                Facts.of(event, "user agent", event.userAgent(), "MFA used", mfaUsed(event, signIn), "region", event.region(),
                        "session", "true".equals(event.record().at("/userIdentity/sessionContext/assumedRoot").textValue())
                                ? "AssumeRoot (a privileged task session)" : null,
                        "break-glass window", window.map(w -> w.reason() + ", until " + w.end()).orElse(null)),
                event));
    }

    /** Sign-ins say it in {@code additionalEventData}, calls in the session's attributes; unknown when neither does. */
    private static String mfaUsed(CloudTrailEvent event, boolean signIn) {
        JsonNode record = event.record();
        String said = signIn ? record.at("/additionalEventData/MFAUsed").textValue()
                : record.at("/userIdentity/sessionContext/attributes/mfaAuthenticated").textValue();
        if (said == null) return "not stated in the event";
        return switch (said) {
            case "Yes", "true" -> "yes";
            case "No", "false" -> "no";
            default -> said;
        };
    }
}
