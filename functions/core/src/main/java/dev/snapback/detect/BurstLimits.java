package dev.snapback.detect;

import dev.snapback.model.InvalidConfigException;
import java.time.Duration;

/** What a burst's settings may be: a threshold the audit item can hold, and a window of whole minutes, up to a day. */
final class BurstLimits {

    static final int MAX_THRESHOLD = 1000;

    private BurstLimits() {
    }

    static void check(String thresholdKey, int threshold, String windowKey, Duration window) {
        if (threshold < 1 || threshold > MAX_THRESHOLD) {
            throw new InvalidConfigException(thresholdKey, "must be 1 to " + MAX_THRESHOLD + ", got " + threshold);
        }
        if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidConfigException(windowKey, "must be from PT1M to P1D, got " + window);
        }
        if (window.toSecondsPart() != 0 || window.toNanosPart() != 0) {
            throw new InvalidConfigException(windowKey, "must be whole minutes, got " + window);
        }
    }
}
