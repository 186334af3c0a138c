package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Principal;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnBurst;
import java.util.List;

/**
 * Bursts of denied calls by one principal (CIS AWS Foundations 4.1: {@code AccessDenied*} and
 * {@code *UnauthorizedOperation}): someone, or something holding stolen credentials, finding out what they may do.
 * The one detector whose rule wants failed calls. Pages HIGH once per window with the principal, the calls and the
 * sources; a single denied call is counted, not paged.
 */
public record UnauthorizedCallsDetector(DeniedCallSettings settings) implements Detector {

    public static final EventPattern.ErrorCodes DENIED = new EventPattern.ErrorCodes(List.of("AccessDenied"),
            List.of("UnauthorizedOperation"));

    public static final DetectorSpec SPEC = new DetectorSpec(
            "unauthorized-calls",
            "Bursts of unauthorized calls",
            Family.IDENTITY,
            Severity.HIGH,
            Mode.PAGE,
            List.of(EventPattern.callsFailingWith(DENIED)),
            List.of());

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        Principal actor = event.actor();
        String principal = counted(actor);
        String call = event.service() + ":" + event.eventName();
        PageOnBurst burst = new PageOnBurst(principal, settings.deniedCallThreshold(), (int) settings.deniedCallWindow().toMinutes(),
                "denied calls by " + principal, call,
                "a burst of denied calls is someone, or stolen credentials, probing what they may do; confirm who uses"
                        + " this principal, and rotate its credentials if nobody does");
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "denied calls by " + actor.label(), resource(event),
                burst, Facts.of(event, "call", call, "error", event.errorCode(), "user agent", event.userAgent()), event));
    }

    /**
     * Who is counted: a role by its identity, whichever session and however CloudTrail names it, so that new session
     * names do not start new counts; another account as a whole; anyone else by ARN, or failing one by label.
     */
    private static String counted(Principal actor) {
        return actor.role().map(r -> "arn:" + r.partition() + ":iam::" + r.account() + ":role/" + r.name())
                .orElseGet(() -> switch (actor) {
                    case Principal.AwsAccount account -> "account " + account.accountId();
                    default -> actor.identityArn() == null || actor.identityArn().isBlank() ? actor.label() : actor.identityArn();
                });
    }

    /** The IAM user or role the burst is about, so that a sanctioned scanner can be exempted by name. */
    private static ResourceRef resource(CloudTrailEvent event) {
        return switch (event.actor()) {
            case Principal.IamUser user -> new ResourceRef("AWS::IAM::User", user.userName());
            case Principal principal when principal.role().isPresent() -> new ResourceRef("AWS::IAM::Role",
                    principal.role().get().name());
            default -> new ResourceRef("AWS::CloudTrail::Event", event.eventId());
        };
    }
}
