package dev.snapback.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One file under {@code events/}. Its folder says where it must be filtered: {@code finding} (alerts; the sidecar
 * {@code <name>.expected} lists the findings), {@code ignored-by-pattern} (must not match the deployed rule) or
 * {@code ignored-by-detector} (matches the rule, no finding).
 */
public record Fixture(Path path, String detectorId, Expectation expectation, String name) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Expectation {
        FINDING("finding"), IGNORED_BY_PATTERN("ignored-by-pattern"), IGNORED_BY_DETECTOR("ignored-by-detector");

        final String folder;

        Expectation(String folder) {
            this.folder = folder;
        }

        static Expectation ofFolder(String folder) {
            for (Expectation e : values()) if (e.folder.equals(folder)) return e;
            throw new IllegalArgumentException("unknown fixture folder: " + folder);
        }
    }

    static Fixture of(Path events, Path file) {
        Path relative = events.relativize(file);
        if (relative.getNameCount() != 3) {
            throw new IllegalArgumentException("fixture must be events/<detector-id>/<expectation>/<name>.json: " + relative);
        }
        String name = relative.getFileName().toString().replaceFirst("\\.json$", "");
        return new Fixture(file, relative.getName(0).toString(), Expectation.ofFolder(relative.getName(1).toString()), name);
    }

    public byte[] bytes() {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode json() {
        try {
            return JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sidecar {@code <name>.expected} of a finding fixture: {@code {"findings":[...]}}. */
    public JsonNode expected() {
        Path sidecar = path.resolveSibling(name + ".expected");
        try {
            return JSON.readTree(sidecar.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("finding fixture needs its sidecar " + sidecar, e);
        }
    }

    /**
     * The sidecar {@code <name>.present} of a finding fixture whose resource changed before the event was handled:
     * the state AWS answers with now ({@code securityGroupRules}, {@code eventSelectors}, {@code keyPairs},
     * {@code mfaDevices} or {@code trail}), the {@code reads} the remediation makes before it leaves it alone, and the
     * {@code outcome} that state must lead to. Empty for the others.
     */
    public Optional<JsonNode> present() {
        Path sidecar = path.resolveSibling(name + ".present");
        if (!Files.exists(sidecar)) return Optional.empty();
        try {
            return Optional.of(JSON.readTree(sidecar.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return detectorId + "/" + expectation.folder + "/" + name;
    }
}
