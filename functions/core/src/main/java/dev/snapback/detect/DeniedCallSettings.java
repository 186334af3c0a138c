package dev.snapback.detect;

import java.time.Duration;

/**
 * How {@code unauthorized-calls} counts denied calls (CIS AWS Foundations 4.1).
 *
 * @param deniedCallThreshold denied calls by one principal that page, 1 to 1000 (default 10)
 * @param deniedCallWindow    the fixed window they are counted in, PT1M to P1D (default PT5M)
 */
public record DeniedCallSettings(int deniedCallThreshold, Duration deniedCallWindow) {

    public static final DeniedCallSettings DEFAULTS = new DeniedCallSettings(10, Duration.ofMinutes(5));

    public DeniedCallSettings {
        BurstLimits.check("deniedCallThreshold", deniedCallThreshold, "deniedCallWindow", deniedCallWindow);
    }
}
