package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;

/**
 * Start an AWS Config recorder that {@code StopConfigurationRecorder} stopped. Read first
 * ({@code DescribeConfigurationRecorderStatus}): a recorder that records needs nothing; one gone is a newer change
 * (its own {@code DeleteConfigurationRecorder} event pages); one stopped again after this event is that newer call's,
 * whose own event decides, so a late event never undoes it.
 */
public record StartConfigRecorder(String region, String recorderName) implements Remediation {

    /**
     * On "*": the event names a recorder only by its name, while its ARN carries an id that no event holds. Starting a
     * recorder only records; it grants nobody anything.
     */
    public static final List<IamGrant> GRANTS = List.of(IamGrant.of("*", "config:DescribeConfigurationRecorderStatus",
            "config:StartConfigurationRecorder"));

    @Override
    public String describe() {
        return "start configuration recorder " + recorderName + " in " + region;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("start recorder", "recorder started");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        ConfigService config = aws.config(region);
        var status = config.recorderStatus(recorderName).orElse(null);
        if (status == null) {
            return new Outcome.Superseded("no configuration recorder " + recorderName + " in " + region
                    + " any more; its DeleteConfigurationRecorder event pages");
        }
        if (status.recording()) return new Outcome.AlreadyCompliant("recorder " + recorderName + " is recording");
        if (ChangeTimes.newer(status.lastStopTime(), cause)) {
            return new Outcome.Superseded("recorder " + recorderName + " was stopped again at " + status.lastStopTime()
                    + ", after this event; that newer call's own event decides");
        }
        config.startRecorder(recorderName);
        return new Outcome.Remediated(List.of("started configuration recorder " + recorderName + " in " + region),
                List.of("aws configservice stop-configuration-recorder --region " + region
                        + " --configuration-recorder-name " + AwsErrors.shellQuoted(recorderName)));
    }
}
