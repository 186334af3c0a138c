package dev.snapback.detect;

import dev.snapback.model.OwnNames;
import java.util.List;
import java.util.Optional;

/** The EventBridge rules Snapback deploys: one per detector pattern, named by {@link OwnNames#rule}. */
public final class OwnRules {

    private OwnRules() {
    }

    /** One rule: a detector's pattern, in every region where its events arrive. */
    public record OwnRule(String name, DetectorSpec spec, EventPattern pattern) {
    }

    public static List<OwnRule> all() {
        return Detectors.SPECS.stream()
                .flatMap(spec -> spec.patterns().stream()
                        .map(pattern -> new OwnRule(OwnNames.rule(spec.id(), pattern.eventBridgeSource()), spec, pattern)))
                .toList();
    }

    public static Optional<OwnRule> named(String name) {
        return all().stream().filter(rule -> rule.name().equals(name)).findFirst();
    }
}
