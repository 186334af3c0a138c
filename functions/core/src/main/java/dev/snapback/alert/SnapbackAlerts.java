package dev.snapback.alert;

import static dev.snapback.alert.AlertRenderer.ascii;
import static dev.snapback.alert.AlertRenderer.consoleLink;
import static dev.snapback.alert.AlertRenderer.oneLine;
import static dev.snapback.alert.AlertRenderer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Mode;
import java.util.List;
import java.util.Map;

/** The pages about Snapback itself rather than about a finding: its modes lowered, an event it could not finish. */
public final class SnapbackAlerts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapbackAlerts() {
    }

    /** A detector whose mode an override lowered from {@code deployed} to {@code override}. */
    public record Lowered(String detectorId, Mode deployed, Mode override) {
        @Override
        public String toString() {
            return detectorId + " " + deployed.label() + " -> " + override.label();
        }
    }

    /** The page that a run-time override in SSM {@code parameter} lowered detectors below their deployed modes. */
    public static Alert modesLowered(String parameter, String account, List<Lowered> lowered) {
        String changes = String.join(", ", lowered.stream().map(Lowered::toString).toList());
        String subject = "[HIGH] Snapback mode lowered in " + account + ": " + changes;
        String text = "What happened: the mode override in SSM parameter " + parameter + " lowered Snapback detectors"
                + " below their deployed modes in account " + account + ":\n  " + String.join("\n  ", lowered.stream()
                .map(Lowered::toString).toList()) + "\n"
                + "Anyone allowed ssm:PutParameter on it can do this. If the change was not intended, restore the value"
                + " (`{}` removes all overrides) and look up who called ssm:PutParameter in CloudTrail.\n";
        ObjectNode json = JSON.createObjectNode().put("type", "mode-lowered").put("severity", "HIGH")
                .put("parameter", parameter).put("account", account);
        ArrayNode detectors = json.putArray("detectors");
        lowered.forEach(l -> detectors.addObject().put("detector", l.detectorId())
                .put("deployed", l.deployed().label()).put("override", l.override().label()));
        return new Alert(fitted(subject), text, json.toString(), Map.of("severity", "HIGH", "outcome", "mode-lowered",
                "account", account, "detector", String.join(",", lowered.stream().map(Lowered::detectorId).toList())));
    }

    /**
     * The page that an invocation ran out of time on an event: what it did before, and that the event is retried and
     * kept in the dead-letter queue if it never finishes.
     */
    public static Alert couldNotFinish(CloudTrailEvent event, String detectorId, List<String> done, String error) {
        String subject = "[HIGH] Snapback could not finish " + detectorId + " in " + event.account() + "/"
                + event.region() + " - event " + event.eventId();
        String text = "What happened: Snapback ran out of time handling " + service(event) + ":" + event.eventName()
                + " by " + event.actor().label() + " at " + event.time() + " (CloudTrail event " + event.eventId()
                + ", detector " + detectorId + "): " + oneLine(error) + ".\n"
                + "What Snapback did before: " + (done.isEmpty() ? "nothing was changed" : String.join("; ", done)) + ".\n"
                + "What happens next: the invocation fails, so Lambda retries the event, and keeps it in the dead-letter"
                + " queue if it never finishes. Check the resource by hand if this repeats; the audit table holds the"
                + " record under the event id and detector.\n"
                + "CloudTrail event: " + consoleLink(event) + "\n";
        ObjectNode json = JSON.createObjectNode().put("type", "could-not-finish").put("severity", "HIGH")
                .put("detector", detectorId).put("eventId", event.eventId()).put("error", error)
                .put("account", event.account()).put("region", event.region());
        done.forEach(json.putArray("done")::add);
        return new Alert(fitted(subject), text, json.toString(), Map.of("severity", "HIGH", "outcome", "could-not-finish",
                "detector", detectorId, "account", event.account(), "region", event.region()));
    }

    /** Printable ASCII, cut to SNS's subject length. */
    private static String fitted(String subject) {
        String fitted = subject.length() > Alert.MAX_SUBJECT ? subject.substring(0, Alert.MAX_SUBJECT - 3) + "..." : subject;
        return ascii(fitted);
    }
}
