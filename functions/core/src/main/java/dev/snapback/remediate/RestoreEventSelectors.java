package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.PutEventSelectorsRequest;

/**
 * Put back event selectors that log write management events. {@code selectorsJson} is the complete corrected
 * selector list in the API's JSON shape ({@code EventSelectors} or {@code AdvancedEventSelectors} when
 * {@code advanced}), built from the event's own request so data-event selectors are kept.
 *
 * <p>{@code PutEventSelectors} replaces the whole list, so the trail's selectors are read first
 * ({@code GetEventSelectors}): the correction is put only while they are still the ones the event set. Selectors set
 * anew since then, by anyone, are left as they are ({@link Outcome.Superseded}); if those are weakened too, their
 * own event is the one that restores them.
 */
public record RestoreEventSelectors(String trailArn, String homeRegion, String selectorsJson, boolean advanced)
        implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(IamGrant.of(
            "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*", "cloudtrail:GetEventSelectors",
            "cloudtrail:PutEventSelectors"));

    @Override
    public String describe() {
        return "restore write management events on " + trailArn;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("restore event selectors", "event selectors restored");
    }

    /** The inverse puts back the selectors the causing call set, read from its request. */
    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        CloudTrailClient cloudTrail = aws.cloudTrail(homeRegion);
        Optional<String> setByEvent = EventSelectorsJson.setBy(cause, advanced);
        if (setByEvent.isEmpty()) {
            return new Outcome.Paged("the selectors the event set do not read strictly, so Snapback cannot tell whether"
                    + " they changed since; nothing was changed, please review the trail's selectors");
        }
        GetEventSelectorsResponse present = cloudTrail.getEventSelectors(r -> r.trailName(trailArn));
        if (!EventSelectorsJson.sameSelectors(present, setByEvent.get(), advanced)) {
            return new Outcome.Superseded("the trail's event selectors were set anew since the event, and are left as"
                    + " they are");
        }
        PutEventSelectorsRequest.Builder request = PutEventSelectorsRequest.builder().trailName(trailArn);
        if (advanced) request.advancedEventSelectors(EventSelectorsJson.advanced(selectorsJson));
        else request.eventSelectors(EventSelectorsJson.basic(selectorsJson));
        cloudTrail.putEventSelectors(request.build());
        String inverse = "aws cloudtrail put-event-selectors --region " + homeRegion + " --trail-name " + trailArn
                + (advanced ? " --advanced-event-selectors " : " --event-selectors ") + AwsErrors.shellQuoted(setByEvent.get());
        return new Outcome.Remediated(List.of(describe()), List.of(inverse));
    }
}
