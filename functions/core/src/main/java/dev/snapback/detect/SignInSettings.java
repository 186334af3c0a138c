package dev.snapback.detect;

import java.time.Duration;

/**
 * How {@code console-login-without-mfa} counts failed sign-ins (CIS AWS Foundations 4.6).
 *
 * @param signInFailureThreshold failed sign-ins from one source IP that page, 1 to 1000 (default 5)
 * @param signInFailureWindow    the fixed window they are counted in, PT1M to P1D (default PT15M)
 */
public record SignInSettings(int signInFailureThreshold, Duration signInFailureWindow) {

    public static final SignInSettings DEFAULTS = new SignInSettings(5, Duration.ofMinutes(15));

    public SignInSettings {
        BurstLimits.check("signInFailureThreshold", signInFailureThreshold, "signInFailureWindow", signInFailureWindow);
    }
}
