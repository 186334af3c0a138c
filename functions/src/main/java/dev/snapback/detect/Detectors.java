package dev.snapback.detect;

import dev.snapback.policy.SnapbackConfig;
import java.util.List;

/** The registry: every detector Snapback ships, and their declarations for the stack and the replay router. */
public final class Detectors {

    public static final List<DetectorSpec> SPECS = List.of(
            MfaDeactivatedDetector.SPEC,
            SecurityGroupOpenedDetector.SPEC,
            TrailTamperedDetector.SPEC,
            UnmanagedKeyCreatedDetector.SPEC);

    private Detectors() {
    }

    public static List<Detector> all(SnapbackConfig config) {
        return List.of(
                new MfaDeactivatedDetector(config),
                new SecurityGroupOpenedDetector(config),
                new TrailTamperedDetector(config),
                new UnmanagedKeyCreatedDetector(config));
    }

    public static List<Detector> of(Family family, SnapbackConfig config) {
        return all(config).stream().filter(d -> d.spec().family() == family).toList();
    }

    public static DetectorSpec spec(String id) {
        return SPECS.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no detector " + id));
    }
}
