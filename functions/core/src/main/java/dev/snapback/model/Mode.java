package dev.snapback.model;

/** What Snapback does with a detector's findings. Declared from strongest to weakest. */
public enum Mode {
    /** Fix it, then page with what was done. */
    REMEDIATE,
    /** Page only; change nothing. */
    PAGE,
    /** Page "would have ..."; change nothing. For trying a detector out. */
    DRY_RUN,
    /** Detector disabled: no action, no page (still audited). */
    OFF;

    public static Mode parse(String value, String field) {
        String normalized = value == null ? "" : value.trim().toUpperCase().replace('-', '_');
        for (Mode mode : values()) {
            if (mode.name().equals(normalized)) return mode;
        }
        throw new InvalidConfigException(field, "'" + value + "' is not a mode; use remediate, page, dry-run or off");
    }

    /** Whether this mode does less about a finding than {@code other} (page is weaker than remediate, and so on). */
    public boolean isWeakerThan(Mode other) {
        return compareTo(other) > 0;
    }

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
