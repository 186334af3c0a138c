package dev.snapback.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** One in-process run of the command line, with its exit code and captured streams. */
record ReplayRun(int exit, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ReplayRun of(String... args) {
        return of(false, "", () -> {
            throw new AssertionError("no credentials expected");
        }, args);
    }

    /**
     * @param interactive whether a person is at the terminal; {@code input} is what they type
     * @param callers     who {@code --apply} acts as
     */
    static ReplayRun of(boolean interactive, String input, Supplier<Caller> callers, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new BufferedReader(new StringReader(input)),
                interactive, false);
        int exit = SnapbackCli.run(args, terminal, callers);
        return new ReplayRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out, e);
        }
    }

    JsonNode summary() {
        return json().get("summary");
    }

    List<JsonNode> ndjson() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(line, e);
            }
        }
        return lines;
    }
}
