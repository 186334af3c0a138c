package dev.snapback.detect;

import java.util.function.Function;

/**
 * A detector as the registry knows it: its spec, its settings record (whose components are its keys in the
 * configuration file) with their defaults, and how it is made from them.
 */
public record DetectorType<S extends Record>(DetectorSpec spec, Class<S> settingsType, S defaults, Function<S, Detector> factory) {

    /** A detector that reads no settings. */
    public static DetectorType<NoSettings> withoutSettings(DetectorSpec spec, Detector detector) {
        return new DetectorType<>(spec, NoSettings.class, new NoSettings(), settings -> detector);
    }

    public Detector create(S settings) {
        return factory.apply(settings);
    }

    /** The settings of a detector that has none. */
    public record NoSettings() {
    }
}
