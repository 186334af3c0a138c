package dev.snapback.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The files a replay reads. Directories are walked recursively and contribute only {@code .json}, {@code .jsonl}
 * and {@code .ndjson} files, each optionally {@code .gz}; anything else in them (the {@code .expected} sidecars of
 * {@code events/}, CloudTrail digest signatures, ...) is counted as not an input and left alone. A file named on the
 * command line is read whatever its name.
 */
record Inputs(List<Path> files, long totalBytes, long otherFiles) {

    /** Large reads keep the per-call overhead of inflating and parsing low. */
    private static final int BUFFER = 1 << 16;

    static Inputs find(List<Path> paths) throws NoSuchFileException {
        List<Path> files = new ArrayList<>();
        long[] other = {0};
        for (Path path : paths) {
            if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file or directory");
            if (!Files.isDirectory(path)) {
                files.add(path);
                continue;
            }
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).sorted().forEach(file -> {
                    if (isInput(file)) files.add(file);
                    else other[0]++;
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long total = 0;
        for (Path file : files) total += size(file);
        return new Inputs(List.copyOf(files), total, other[0]);
    }

    static boolean isInput(Path file) {
        String name = file.getFileName().toString();
        String plain = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        return plain.endsWith(".json") || plain.endsWith(".jsonl") || plain.endsWith(".ndjson");
    }

    /** The file's bytes, gunzipped when its name ends in {@code .gz}. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return file.getFileName().toString().endsWith(".gz")
                    ? new GZIPInputStream(raw, BUFFER)
                    : new BufferedInputStream(raw, BUFFER);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
