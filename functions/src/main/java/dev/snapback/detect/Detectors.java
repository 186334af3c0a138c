package dev.snapback.detect;

import dev.snapback.policy.SnapbackConfig;
import java.util.List;
import java.util.function.Function;

/** The registry: every detector Snapback ships, and their declarations for the stack and the replay router. */
public final class Detectors {

    /** The one list of detectors; everything else here is derived from it, so nothing can drift. */
    private static final List<Function<SnapbackConfig, Detector>> CONSTRUCTORS = List.of(
            MfaDeactivatedDetector::new,
            SecurityGroupOpenedDetector::new,
            TrailTamperedDetector::new,
            UnmanagedKeyCreatedDetector::new,
            config -> new QuarantineTamperedDetector());

    /** A detector's spec does not depend on the configuration, so any configuration reads it. */
    public static final List<DetectorSpec> SPECS = all(SnapbackConfig.defaults()).stream().map(Detector::spec).toList();

    private Detectors() {
    }

    public static List<Detector> all(SnapbackConfig config) {
        return CONSTRUCTORS.stream().map(create -> create.apply(config)).toList();
    }

    public static List<Detector> of(Family family, SnapbackConfig config) {
        return all(config).stream().filter(d -> d.spec().family() == family).toList();
    }

    public static DetectorSpec spec(String id) {
        return SPECS.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no detector " + id));
    }
}
