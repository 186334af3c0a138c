package dev.snapback.alert;

import static dev.snapback.alert.AlertRenderer.ascii;
import static dev.snapback.alert.AlertRenderer.consoleLink;
import static dev.snapback.alert.AlertRenderer.oneLine;

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

    /** A detector whose mode was lowered from {@code from} to {@code to}. */
    public record Lowered(String detectorId, Mode from, Mode to) {
        @Override
        public String toString() {
            return detectorId + " " + from.label() + " -> " + to.label();
        }
    }

    /** What lowered the modes, and how to undo it. */
    public record LoweredBy(String source, String undo) {

        /** A run-time override in the SSM parameter, below the deployed modes. */
        public static LoweredBy override(String parameter) {
            return new LoweredBy("the mode override in SSM parameter " + parameter, "Anyone allowed ssm:PutParameter on"
                    + " it can do this. If the change was not intended, restore the value (`{}` removes all overrides)"
                    + " and look up who called ssm:PutParameter in CloudTrail.");
        }

        /** A deployment whose configuration runs detectors below their default modes. */
        public static LoweredBy deployment(String functionVersion) {
            return new LoweredBy("the deployed configuration (function version " + functionVersion + "), below the"
                    + " detectors' default modes", "If this was not intended, deploy again with the modes you mean to"
                    + " run (the modes key of the configuration), and look up who deployed in the stack's events.");
        }
    }

    /** The page that {@code by} lowered detectors of the function in {@code account}. */
    public static Alert modesLowered(LoweredBy by, String account, List<Lowered> lowered) {
        String changes = String.join(", ", lowered.stream().map(Lowered::toString).toList());
        String subject = "[HIGH] Snapback mode lowered in " + account + ": " + changes;
        String text = "What happened: " + by.source() + " lowers Snapback detectors in account " + account + ":\n  "
                + String.join("\n  ", lowered.stream().map(Lowered::toString).toList()) + "\n"
                + "A detector in page or dry-run mode changes nothing, and one that is off says nothing. " + by.undo() + "\n";
        ObjectNode json = JSON.createObjectNode().put("type", "mode-lowered").put("severity", "HIGH")
                .put("source", by.source()).put("account", account);
        ArrayNode detectors = json.putArray("detectors");
        lowered.forEach(l -> detectors.addObject().put("detector", l.detectorId())
                .put("from", l.from().label()).put("to", l.to().label()));
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
        String text = "What happened: Snapback ran out of time handling " + event.service() + ":" + event.eventName()
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
