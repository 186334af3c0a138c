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

    /** Built on first use, after the registry: the tamper detector reads it per event. */
    private static final class All {
        static final List<OwnRule> RULES = Detectors.SPECS.stream()
                .flatMap(spec -> spec.patterns().stream()
                        .map(pattern -> new OwnRule(OwnNames.rule(spec.id(), pattern.service()), spec, pattern)))
                .toList();
    }

    public static List<OwnRule> all() {
        return All.RULES;
    }

    public static Optional<OwnRule> named(String name) {
        return All.RULES.stream().filter(rule -> rule.name().equals(name)).findFirst();
    }
}
