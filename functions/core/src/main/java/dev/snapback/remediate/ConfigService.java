package dev.snapback.remediate;

import java.time.Instant;
import java.util.Optional;

/**
 * The AWS Config calls Snapback makes, in one region. {@link JsonConfigService} makes them where the SDK's
 * {@code config} module cannot be had; where it can, its {@code ConfigClient} implements this in a few lines.
 */
public interface ConfigService {

    /** The recorder's status, or empty when the region has no recorder by that name. */
    Optional<RecorderStatus> recorderStatus(String name);

    void startRecorder(String name);

    /**
     * What {@code DescribeConfigurationRecorderStatus} says of one recorder.
     *
     * @param lastStopTime when it was last stopped, or {@code null} if never
     */
    record RecorderStatus(String name, boolean recording, Instant lastStopTime) {
    }
}
