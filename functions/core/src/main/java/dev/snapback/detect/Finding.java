package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.Remediation;
import java.util.Map;

/**
 * What a detector found wrong and what would fix it, as data. {@code title} is a short statement of what happened
 * ("sg-0abc opened 22/tcp to 0.0.0.0/0"); {@code context} holds ordered, human-readable facts for the alert. Nothing
 * secret goes in here.
 */
public record Finding(
        String detectorId,
        Severity severity,
        String title,
        ResourceRef resource,
        Remediation proposed,
        Map<String, String> context,
        CloudTrailEvent cause) {

    public Finding {
        context = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(context));
    }

    /**
     * A call that the detector watches but cannot judge, because the event lacks what a fix would need: it pages HIGH
     * on the event itself, saying {@code why}, and changes nothing.
     */
    static Finding needsReview(String detectorId, CloudTrailEvent event, String why) {
        return new Finding(detectorId, Severity.HIGH, event.eventName() + " needs review",
                new ResourceRef("AWS::CloudTrail::Event", event.eventId()),
                new PageOnly(why + "; nothing was changed, please review it"), Facts.of(event), event);
    }
}
