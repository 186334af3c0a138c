package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.StartConfigRecorder;
import java.util.List;

/**
 * AWS Config stopped recording in a region: CIS AWS Foundations 4.9. What changes while it is stopped is never
 * recorded, and its rules judge nothing.
 *
 * <ul>
 *   <li>{@code StopConfigurationRecorder}: HIGH; the recorder is started again ({@link StartConfigRecorder}).</li>
 *   <li>{@code DeleteConfigurationRecorder} and {@code DeleteDeliveryChannel}: CRITICAL, paged; the event does not hold
 *       the recorder's role and recording group, or the channel's bucket, so Snapback cannot recreate them.</li>
 * </ul>
 *
 * <p>A recorder is named per region: its exemption id is {@code region/name}, for example {@code eu-north-1/default}.
 * Changes by a managed principal ({@code managedPrincipals}, for example the pipeline that enrols and retires
 * accounts) are sanctioned.
 */
public record ConfigRecorderStoppedDetector(KeySettings settings) implements Detector {

    private static final List<String> CALLS = List.of("StopConfigurationRecorder", "DeleteConfigurationRecorder",
            "DeleteDeliveryChannel");

    public static final DetectorSpec SPEC = new DetectorSpec(
            "config-recorder-stopped",
            "AWS Config recorder stopped or deleted",
            Family.DETECTIVE,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("config", CALLS.toArray(String[]::new))),
            StartConfigRecorder.GRANTS);

    static final String RECORDER = "AWS::Config::ConfigurationRecorder";
    static final String CHANNEL = "AWS::Config::DeliveryChannel";

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        if (!event.service().equals("config") || !CALLS.contains(event.eventName())) {
            return Verdict.clean(event.eventName() + " does not stop AWS Config");
        }
        boolean channel = event.eventName().equals("DeleteDeliveryChannel");
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        String field = channel ? "deliveryChannelName" : "configurationRecorderName";
        String name = Fields.text(event.request(), field);
        if (name == null) {
            return Verdict.flagged(Finding.needsReview(SPEC.id(), event, "the request names no "
                    + (channel ? "delivery channel" : "recorder") + " (" + field + " absent)"));
        }
        String where = " in " + event.region();
        if (channel) {
            return Verdict.flagged(new Finding(SPEC.id(), Severity.CRITICAL, "Config delivery channel " + name + " deleted" + where,
                    new ResourceRef(CHANNEL, event.region() + "/" + name), new PageOnly("the delivery channel was deleted,"
                    + " so no recorder can deliver; the event does not hold its bucket, topic or key, so Snapback cannot"
                    + " recreate it: recreate it from its source of truth"),
                    Facts.of(event, "delivery channel", name), event));
        }
        ResourceRef recorder = new ResourceRef(RECORDER, event.region() + "/" + name);
        return Verdict.flagged(event.eventName().equals("StopConfigurationRecorder")
                ? new Finding(SPEC.id(), Severity.HIGH, "Config recorder " + name + " stopped" + where, recorder,
                        new StartConfigRecorder(event.region(), name), Facts.of(event, "recorder", name), event)
                : new Finding(SPEC.id(), Severity.CRITICAL, "Config recorder " + name + " deleted" + where, recorder,
                        new PageOnly("the recorder was deleted; the event does not hold its role, recording group or"
                                + " mode, so Snapback cannot recreate it: recreate it from its source of truth, and review"
                                + " what changed while nothing recorded"), Facts.of(event, "recorder", name), event));
    }
}
