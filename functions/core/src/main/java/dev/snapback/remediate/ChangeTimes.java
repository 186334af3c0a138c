package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import java.time.Duration;
import java.time.Instant;

/** Whether a time a service keeps for a resource's last change says that a newer call changed it than the event's. */
final class ChangeTimes {

    /** How far apart AWS's clocks may put one call's event time and the time the service records for it. */
    static final Duration SAME_CALL = Duration.ofSeconds(5);

    private ChangeTimes() {
    }

    /** {@code changed} (the service's time, {@code null} when it keeps none) is a later call's than {@code cause}. */
    static boolean newer(Instant changed, CloudTrailEvent cause) {
        return changed != null && changed.isAfter(cause.time().plus(SAME_CALL));
    }
}
