package dev.snapback.testing;

import dev.snapback.config.SnapbackConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the shared {@code events/} fixtures and the example configuration they are written against. */
public final class Fixtures {

    public static final String ACCOUNT = "111122223333";

    private Fixtures() {
    }

    public static Path root() {
        String root = System.getProperty("snapback.root");
        Path path = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
        if (!Files.isDirectory(path.resolve("events"))) {
            throw new IllegalStateException("events/ not found under " + path + "; set -Dsnapback.root");
        }
        return path;
    }

    public static Path eventsDir() {
        return root().resolve("events");
    }

    /** The configuration every fixture's expectation assumes (managed principals, Snapback's roles, exemptions). */
    public static SnapbackConfig config() {
        try {
            return SnapbackConfig.fromJson(Files.readString(root().resolve("examples/snapback-config.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every fixture, as {@code events/<detector-id>/<expectation>/<EventName>-<case>.json}. */
    public static List<Fixture> all() {
        Path events = eventsDir();
        try (Stream<Path> files = Files.walk(events)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().map(p -> Fixture.of(events, p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
