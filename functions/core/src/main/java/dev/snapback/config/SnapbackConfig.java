package dev.snapback.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.Detector;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.DetectorType;
import dev.snapback.detect.Detectors;
import dev.snapback.event.Principal;
import dev.snapback.model.Family;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.settings.IamArns;
import dev.snapback.settings.SettingsBinder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Deployment configuration, validated on construction: an invalid value fails fast with a message naming its key.
 * One flat JSON object holds the {@link SharedSettings} and each detector's own settings record, every key once.
 * Exemptions and allowlists come only from here, never from tags on the resource an event touched (whoever can
 * open a security group can also tag it).
 *
 * @param shared    the settings every detector shares
 * @param detectorSettings each detector's settings record, by its type ({@link DetectorType#settingsType()})
 */
public record SnapbackConfig(SharedSettings shared, Map<Class<? extends Record>, Record> detectorSettings) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every key the file may hold: the shared ones and each detector's, in one namespace. */
    private static final Set<String> KEYS = keys();

    public SnapbackConfig {
        detectorSettings = Map.copyOf(detectorSettings);
        for (DetectorType<?> type : Detectors.TYPES) {
            if (!type.settingsType().isInstance(detectorSettings.get(type.settingsType()))) {
                throw new IllegalArgumentException("no " + type.settingsType().getSimpleName() + " for " + type.spec().id());
            }
        }
    }

    public static SnapbackConfig defaults() {
        Map<Class<? extends Record>, Record> defaults = new HashMap<>();
        for (DetectorType<?> type : Detectors.TYPES) defaults.put(type.settingsType(), type.defaults());
        return new SnapbackConfig(SharedSettings.DEFAULTS, defaults);
    }

    /** Parses a JSON object; absent keys take their defaults, unknown keys are errors (typos must not pass). */
    public static SnapbackConfig fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("(config)", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new InvalidConfigException("(config)", "expected a JSON object");
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) throw new InvalidConfigException(name, "unknown setting; known: " + new TreeSet<>(KEYS));
        }
        Map<Class<? extends Record>, Record> detectors = new HashMap<>();
        for (DetectorType<?> type : Detectors.TYPES) detectors.put(type.settingsType(), read(type, root));
        return new SnapbackConfig(SettingsBinder.read(SharedSettings.class, root, SharedSettings.DEFAULTS), detectors);
    }

    private static <S extends Record> S read(DetectorType<S> type, JsonNode root) {
        return SettingsBinder.read(type.settingsType(), root, type.defaults());
    }

    /** A detector's settings record. */
    public <S extends Record> S settings(Class<S> type) {
        return type.cast(detectorSettings.get(type));
    }

    /** Every detector, made with its settings. */
    public List<Detector> detectors() {
        return Detectors.TYPES.stream().map(this::create).toList();
    }

    /** The detectors one function runs. */
    public List<Detector> detectors(Family family) {
        return Detectors.TYPES.stream().filter(type -> type.spec().family() == family).map(this::create).toList();
    }

    private <S extends Record> Detector create(DetectorType<S> type) {
        return type.create(settings(type.settingsType()));
    }

    public Map<String, Mode> modes() {
        return shared.modes();
    }

    public Duration lateEventAfter() {
        return shared.lateEventAfter();
    }

    public Mode modeFor(DetectorSpec spec) {
        return shared.modes().getOrDefault(spec.id(), spec.defaultMode());
    }

    /** A copy with other modes, e.g. from a run-time override. */
    public SnapbackConfig withModes(Map<String, Mode> modes) {
        return new SnapbackConfig(new SharedSettings(modes, shared.snapbackRoleArns(), shared.exemptResources(),
                shared.lateEventAfter()), detectorSettings);
    }

    /** Whether {@code principal} is a session of one of Snapback's own roles, which must never be acted on (loops). */
    public boolean isSnapback(Principal principal) {
        return principal.role().map(role -> IamArns.listsRole(shared.snapbackRoleArns(), role)).orElse(false);
    }

    /** Exempt only when the configuration lists this very id under this very type. */
    public boolean isExempt(ResourceRef resource) {
        return resource.id() != null && shared.exemptResources().getOrDefault(resource.type(), Set.of()).contains(resource.id());
    }

    private static Set<String> keys() {
        return Set.copyOf(Stream.concat(SettingsBinder.keys(SharedSettings.class).stream(),
                Detectors.TYPES.stream().flatMap(type -> SettingsBinder.keys(type.settingsType()).stream())).toList());
    }
}
