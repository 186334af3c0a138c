package dev.snapback.infra;

import static dev.snapback.infra.SynthesizedApp.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.detect.Detectors;
import dev.snapback.handler.Handlers;
import dev.snapback.model.Family;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.event.ruler.Machine;


/**
 * Every fixture in {@code events/} through the synthesized rules, matched by Event Ruler (EventBridge's matching
 * library): the template's patterns, not the code's, decide which function each event reaches.
 */
class RoutingTest {

    static final List<String> EXPECTATIONS = List.of("finding", "ignored-by-pattern", "ignored-by-detector");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The declared patterns, as EventBridge would match them: what each fixture must reach. */
    private static final Machine DECLARED = machine(DeclaredRule.all());
    private static SynthesizedApp app;
    private static Router home;

    record Fixture(Path file, String detectorId, String expectation, String json) {
        DetectorSpec spec() {
            return Detectors.spec(detectorId);
        }

        boolean reachesRules() {
            return !expectation.equals("ignored-by-pattern");
        }

        String name() {
            return detectorId + "/" + expectation + "/" + file.getFileName();
        }
    }

    /** One stack's rules in an Event Ruler machine, with what each rule targets. */
    record Router(Machine machine, Map<String, String> targetOfRule) {
        static Router of(JsonNode template, java.util.function.Function<JsonNode, String> target) {
            Machine machine = new Machine();
            Map<String, String> targets = new HashMap<>();
            resources(template, "AWS::Events::Rule").forEach((id, rule) -> {
                try {
                    machine.addRule(id, rule.at("/Properties/EventPattern").toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                targets.put(id, target.apply(rule.at("/Properties/Targets/0")));
            });
            return new Router(machine, targets);
        }

        List<String> rulesFor(Fixture fixture) {
            try {
                return machine.rulesForJSONEvent(fixture.json());
            } catch (Exception e) {
                throw new IllegalStateException(fixture.name() + ": Event Ruler could not read it", e);
            }
        }
    }

    @BeforeAll
    static void synth() {
        app = SynthesizedApp.get();
        JsonNode template = app.json("Snapback");
        home = Router.of(template, target -> familyOfAlias(template, target.at("/Arn/Ref").asText()).name());
    }

    @Test
    void homeRulesCarryExactlyTheDeclaredPatterns() {
        assertThat(patterns(app.json("Snapback")))
                .containsExactlyInAnyOrderElementsOf(DeclaredRule.all().stream().map(r -> r.pattern().toJsonNode()).toList());
    }

    @Test
    void forwardingRulesCarryTheDeclaredPatternsOfEventsThatStartInTheirRegion() {
        for (String region : app.settings.forwardingRegions()) {
            List<JsonNode> expected = DeclaredRule.all().stream().filter(r -> r.arrivesIn(region, app.settings))
                    .map(r -> (JsonNode) r.pattern().toJsonNode()).toList();
            assertThat(expected).as(region).isNotEmpty();
            assertThat(patterns(app.json(SynthesizedApp.forwardingStackName(region))))
                    .as(region).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void everyDetectorHasFixturesInEveryFolder() {
        List<Fixture> fixtures = fixtures();
        for (DetectorSpec spec : Detectors.SPECS) {
            for (String expectation : EXPECTATIONS) {
                assertThat(fixtures).as(spec.id() + "/" + expectation)
                        .anyMatch(f -> f.detectorId().equals(spec.id()) && f.expectation().equals(expectation));
            }
        }
    }

    /**
     * A fixture reaches its own detector's function through exactly one rule, its detector's. It reaches another
     * function only when another detector's declared pattern covers it too (root's call is also root's activity), and
     * never any function through two rules, which would invoke it twice for one event.
     */
    @TestFactory
    Stream<DynamicTest> eachFixtureReachesItsOwnFunctionOnceAndOthersOnlyThroughTheirOwnPatterns() {
        return fixtures().stream().map(fixture -> dynamicTest(fixture.name(), () -> {
            List<String> rules = home.rulesFor(fixture);
            Set<String> declaredMatches = new HashSet<>(DECLARED.rulesForJSONEvent(fixture.json()));
            if (!fixture.reachesRules()) {
                assertThat(declaredMatches).as("declared rules of other detectors matched by " + fixture.name())
                        .doesNotContain(fixture.detectorId());
            } else {
                assertThat(declaredMatches).as("its own detector's pattern").contains(fixture.detectorId());
            }
            Map<String, List<String>> rulesByFunction = new HashMap<>();
            rules.forEach(rule -> rulesByFunction.computeIfAbsent(home.targetOfRule().get(rule), f -> new ArrayList<>()).add(rule));
            rulesByFunction.forEach((function, through) -> assertThat(through).as(fixture.name() + " reaches " + function).hasSize(1));
            Set<String> expectedFunctions = new HashSet<>();
            declaredMatches.forEach(id -> expectedFunctions.add(Detectors.spec(id).family().name()));
            assertThat(rulesByFunction.keySet()).as("functions reached by " + fixture.name())
                    .containsExactlyInAnyOrderElementsOf(expectedFunctions);
            if (fixture.reachesRules()) {
                assertThat(rulesByFunction.get(fixture.spec().family().name())).singleElement()
                        .satisfies(rule -> assertThat(rule).startsWith(fixture.detectorId().replace("-", "")));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> forwardingStacksForwardWhatStartsInTheirRegion() {
        return app.settings.forwardingRegions().stream().flatMap(region -> {
            JsonNode template = app.json(SynthesizedApp.forwardingStackName(region));
            Router router = Router.of(template, target -> target.at("/Arn").toString());
            Machine declaredHere = machine(DeclaredRule.all().stream().filter(d -> d.arrivesIn(region, app.settings)).toList());
            return fixtures().stream().map(fixture -> dynamicTest(region + ": " + fixture.name(), () -> {
                List<String> rules = router.rulesFor(fixture);
                assertThat(rules).as("forwarding rules matched: one per declared rule of this region that matches")
                        .hasSize(declaredHere.rulesForJSONEvent(fixture.json()).size());
                rules.forEach(rule -> assertThat(router.targetOfRule().get(rule))
                        .contains("arn:").contains(":events:" + SynthesizedApp.HOME + ":").contains("event-bus/default"));
            }));
        });
    }

    /** The declared rules in an Event Ruler machine, each named by its detector's id. */
    private static Machine machine(List<DeclaredRule> rules) {
        Machine machine = new Machine();
        for (DeclaredRule rule : rules) {
            try {
                machine.addRule(rule.spec().id(), rule.pattern().toJson());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return machine;
    }

    static List<Fixture> fixtures() {
        Path events = SynthesizedApp.ROOT.resolve("events");
        if (!Files.isDirectory(events)) return List.of();
        List<Fixture> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(events, 3)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                Path relative = events.relativize(file);
                if (relative.getNameCount() != 3) continue;
                out.add(new Fixture(file, relative.getName(0).toString(), relative.getName(1).toString(),
                        Files.readString(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(out).extracting(Fixture::expectation).allMatch(EXPECTATIONS::contains);
        return out;
    }

    private static List<JsonNode> patterns(JsonNode template) {
        return resources(template, "AWS::Events::Rule").values().stream()
                .map(rule -> rule.at("/Properties/EventPattern")).toList();
    }

    private static Family familyOfAlias(JsonNode template, String aliasId) {
        String functionId = template.at("/Resources/" + aliasId + "/Properties/FunctionName/Ref").asText();
        String handler = template.at("/Resources/" + functionId + "/Properties/Handler").asText();
        for (Family family : Family.values()) {
            if (Handlers.of(family).getName().equals(handler)) return family;
        }
        throw new AssertionError("alias " + aliasId + " invokes " + functionId + " with unknown handler " + handler);
    }
}
