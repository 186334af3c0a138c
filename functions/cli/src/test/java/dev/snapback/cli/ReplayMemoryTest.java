package dev.snapback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay streams: a JVM with a 32 MB heap replays a gzipped S3 log file whose JSON is several times larger than
 * that heap, and a JSON-lines file as large, through the real main class.
 */
class ReplayMemoryTest {

    private static final int HEAP_MB = 32;
    private static final long RECORDS = 120_000;

    @TempDir
    Path dir;

    @Test
    void replaysInputsFarLargerThanTheHeap() throws Exception {
        Path log = dir.resolve("big.json.gz");
        Path lines = dir.resolve("big.jsonl.gz");
        long bytes = write(log, true);
        write(lines, false);
        assertThat(bytes).as("uncompressed size").isGreaterThan(4L * HEAP_MB * 1024 * 1024);

        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MB + "m", "-cp", System.getProperty("java.class.path"), SnapbackCli.class.getName(),
                "replay", "--format", "json", log.toString(), lines.toString())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        byte[] out = java.getInputStream().readAllBytes();
        assertThat(java.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(java.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        JsonNode summary = new ObjectMapper().readTree(out).get("summary");
        assertThat(summary.get("records").asLong()).isEqualTo(2 * RECORDS);
        assertThat(summary.at("/detectors/security-group-opened/matched").asLong()).isEqualTo(2 * RECORDS / 100);
    }

    /** One record in a hundred is a call a pattern names; returns the uncompressed size. */
    private static long write(Path file, boolean s3Log) throws IOException {
        String guarded = ReplayInputsTest.record("e", "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", null).toString();
        String benign = ReplayInputsTest.record("e", "ec2.amazonaws.com", "DescribeInstances", null)
                .put("padding", "x".repeat(1000)).toString();
        long size = 0;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            if (s3Log) out.write("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
            for (long i = 0; i < RECORDS; i++) {
                String record = (i % 100 == 0 ? guarded : benign).replace("\"eventID\":\"e\"", "\"eventID\":\"e-" + i + "\"");
                byte[] bytes = ((i > 0 && s3Log ? "," : "") + record + (s3Log ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
                out.write(bytes);
                size += bytes.length;
            }
            if (s3Log) out.write("]}".getBytes(StandardCharsets.UTF_8));
        }
        return size;
    }
}
