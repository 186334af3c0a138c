package dev.snapback.detect;

import dev.snapback.model.InvalidConfigException;
import java.util.Objects;

/**
 * How {@code mfa-deactivated} lifts a quarantine.
 *
 * @param quarantineRelease whether an MFA enrolment lifts a quarantine by itself ({@code automatic}, the default), or
 *                          pages and leaves it for an operator ({@code manual})
 */
public record MfaSettings(QuarantineRelease quarantineRelease) {

    public static final MfaSettings DEFAULTS = new MfaSettings(QuarantineRelease.AUTOMATIC);

    public MfaSettings {
        Objects.requireNonNull(quarantineRelease, "quarantineRelease");
    }

    /** Whether enrolling an MFA device again lifts a user's quarantine without a person. */
    public enum QuarantineRelease {
        AUTOMATIC, MANUAL;

        public static QuarantineRelease parse(String value, String field) {
            for (QuarantineRelease release : values()) {
                if (release.name().equalsIgnoreCase(value.trim())) return release;
            }
            throw new InvalidConfigException(field, "'" + value + "' is neither automatic nor manual");
        }
    }
}
