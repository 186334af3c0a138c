package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.event.Principal;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnBurst;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.QuarantineUser;
import java.util.List;
import java.util.Objects;

/**
 * Console sign-ins (CIS AWS Foundations 4.2 and 4.6). An IAM user signed in without MFA is quarantined as one who
 * turned MFA off is, until a device is enabled (HIGH). Failed sign-ins from one source IP page once per window when
 * they reach the threshold. Root's sign-ins are {@code root-activity}'s; SSO and federated sign-ins use the identity
 * provider's MFA, which CloudTrail does not see.
 */
public record ConsoleLoginWithoutMfaDetector(SignInSettings settings) implements Detector {

    /** What CloudTrail writes for a user name that is not one of the account's users. */
    private static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

    public static final DetectorSpec SPEC = new DetectorSpec(
            "console-login-without-mfa",
            "Console sign-in without MFA",
            Family.MFA,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.consoleSignIns()),
            QuarantineUser.GRANTS);

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        String result = Fields.text(event.response(), "ConsoleLogin");
        if ("Failure".equals(result)) return failed(event);
        if (!"Success".equals(result)) {
            return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "console sign-in with an unknown result",
                    new ResourceRef("AWS::CloudTrail::Event", event.eventId()),
                    new PageOnly("responseElements.ConsoleLogin is " + (result == null ? "missing" : "'" + result + "'")
                            + ", neither Success nor Failure; nothing was changed, please review the sign-in"),
                    Facts.of(event, "user agent", event.userAgent()), event));
        }
        if (!(event.actor() instanceof Principal.IamUser user)) {
            return Verdict.clean(switch (event.actor()) {
                case Principal.Root root -> "root's sign-in: root-activity pages it";
                default -> "a sign-in by " + event.actor().label() + ": an SSO or federated session, whose MFA is the identity"
                        + " provider's";
            });
        }
        String mfaUsed = event.record().at("/additionalEventData/MFAUsed").textValue();
        if ("Yes".equals(mfaUsed)) return Verdict.clean("user " + user.userName() + " signed in with MFA");
        ResourceRef resource = new ResourceRef("AWS::IAM::User", user.userName());
        if (!"No".equals(mfaUsed)) {
            return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "user " + user.userName() + " signed in, MFA unknown",
                    resource, new PageOnly("additionalEventData.MFAUsed is " + (mfaUsed == null ? "missing" : "'" + mfaUsed
                            + "'") + ", so whether MFA was used is unknown; nobody was quarantined, please review"),
                    Facts.of(event, "user agent", event.userAgent()), event));
        }
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "user " + user.userName() + " signed in without MFA",
                resource, new QuarantineUser(user.userName()),
                Facts.of(event, "user", user.userName(), "user agent", event.userAgent()), event));
    }

    /**
     * One failed sign-in, counted by source IP: the user names tried are listed in the page (CloudTrail hides a name
     * that is no user of the account).
     */
    private Verdict failed(CloudTrailEvent event) {
        String source = event.sourceIp() == null || event.sourceIp().isBlank() ? "an unknown source" : event.sourceIp();
        String named = Objects.requireNonNullElse(event.record().at("/userIdentity/userName").textValue(), event.actor().label());
        String tried = named.equals(HIDDEN) ? "a name that is no user of the account" : named;
        PageOnBurst burst = new PageOnBurst(source, settings.signInFailureThreshold(), (int) settings.signInFailureWindow().toMinutes(),
                "failed console sign-ins from " + source, "as " + tried,
                "repeated failed sign-ins from one source are password guessing until shown otherwise; block the source"
                        + " or confirm who it is, and check that the users tried have MFA");
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "failed console sign-ins from " + source,
                new ResourceRef("AWS::CloudTrail::Event", event.eventId()), burst,
                Facts.of(event, "user tried", tried, "user agent", event.userAgent()), event));
    }
}
