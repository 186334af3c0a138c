package dev.snapback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.Detector;
import dev.snapback.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scan of CloudTrail's S3 log layout ({@link LogFileScan}) against Jackson's pass, the reference it stands in
 * for: on every input the same calls reach the sink, in the same order, with the same trees and positions, and the
 * same error or byte count ends the read. The scan starts from small buffers too, and inputs arrive in reads of a
 * few bytes, so that scan steps meet the end of their bytes.
 */
class LogFileScanTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Router ROUTER = new Router(Fixtures.config().detectors().stream().map(Detector::spec).toList());

    /** What one read of one input came to. */
    private record Reading(List<String> calls, String end) {
    }

    /** A reading, and how many times the input was opened: once when the scan read it all. */
    private record Read(Reading reading, int opens) {
    }

    /** Read by the scan from a first buffer of {@code buffer} bytes, the input giving at most {@code chunk} per read. */
    private static Read scanned(byte[] input, int buffer, int chunk) {
        AtomicInteger opens = new AtomicInteger();
        Reading reading = reading(sink -> new RecordReader(ROUTER::mayMatch, ROUTER.callerTypes(), buffer)
                .read(() -> {
                    opens.incrementAndGet();
                    return new Stingy(input, chunk);
                }, sink));
        return new Read(reading, opens.get());
    }

    private static Reading jackson(byte[] input) {
        return reading(sink -> new RecordReader(ROUTER::mayMatch, ROUTER.callerTypes())
                .read(new ByteArrayInputStream(input), sink, 0));
    }

    @FunctionalInterface
    private interface Reader {
        long read(RecordReader.Sink sink) throws IOException;
    }

    private static Reading reading(Reader reader) {
        List<String> calls = new ArrayList<>();
        RecordReader.Sink sink = new RecordReader.Sink() {
            @Override
            public void unnamed() {
                calls.add("unnamed");
            }

            @Override
            public void candidate(Candidate c) {
                calls.add("candidate " + c.route() + " envelope=" + c.envelope() + " at " + c.position() + " " + c.json());
            }

            @Override
            public void malformed(String position, String problem) {
                calls.add("malformed at " + position + ": " + problem);
            }
        };
        String end;
        try {
            end = "read " + reader.read(sink) + " bytes";
        } catch (BadInputException e) {
            end = "bad input at " + e.position() + ": " + e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return new Reading(List.copyOf(calls), end);
    }

    /** Every fixture's CloudTrail record, and records in the forms the scan must read as Jackson's pass does. */
    private static List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>();
        Fixtures.all().forEach(fixture -> records.add(fixture.json().path("detail")));
        records.add(json("{\"eventsource\":\"ec2.amazonaws.com\",\"eventname\":\"AuthorizeSecurityGroupIngress\",\"errorcode\":null}"));
        records.add(json("{\"eventName\":\"StopLogging\",\"userIdentity\":{\"type\":\"Root\"}}"));
        records.add(json("{\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\",\"userIdentity\":{\"arn\":\"a\",\"type\":\"Root\"}}"));
        records.add(json("{\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\",\"userIdentity\":{\"type\":\"IAMUser\"},\"errorCode\":\"AccessDenied\"}"));
        records.add(json("{\"eventSource\":7,\"eventName\":[\"x\"],\"Records\":[1],\"detail\":{},\"n\":[-0.5e+3,true,false,null,{}]}"));
        records.add(json("{\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"PutBucketPolicy\",\"requestParameters\":{\"t\":\"caf\u00e9 \\\" \\\\ \\u0041 \u6f22\"}}"));
        records.add(json("{}"));
        return records;
    }

    private static byte[] log(List<JsonNode> records) {
        ObjectNode log = JSON.createObjectNode();
        ArrayNode array = log.putArray("Records");
        records.forEach(array::add);
        return log.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCloudTrailLogIsReadByTheScanAloneAndAsJacksonReadsIt() {
        byte[] input = log(records());
        Reading reference = jackson(input);
        assertThat(reference.calls()).filteredOn(call -> call.startsWith("candidate")).hasSizeGreaterThan(20);
        assertThat(reference.calls()).anyMatch(call -> call.startsWith("malformed"));

        for (int buffer : new int[] {1, 7, 64, 1 << 17}) {
            Read read = scanned(input, buffer, 3);
            assertThat(read.opens()).as("a first buffer of %d bytes", buffer).isEqualTo(1);
            assertThat(read.reading()).as("a first buffer of %d bytes", buffer).isEqualTo(reference);
        }
    }

    @Test
    void linesAndColumnsOfAPrettyPrintedLogAreJacksons() throws IOException {
        ObjectNode log = JSON.createObjectNode();
        records().forEach(log.putArray("Records")::add);
        byte[] input = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(log).replace("\r", "").getBytes(StandardCharsets.UTF_8);

        Read read = scanned(input, 50, 5);

        assertThat(read.opens()).isEqualTo(1);
        assertThat(read.reading()).isEqualTo(jackson(input));
        assertThat(read.reading().calls()).anyMatch(call -> call.matches("candidate .* at record #\\d+ at line [2-9]\\d+, column 6, .*"));
    }

    @Test
    void aRecordLargerThanTheBufferGrowsIt() {
        String large = "x".repeat(300_000);
        byte[] input = log(List.of(json("{\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateAccessKey\",\"a\":\"" + large + "\"}"),
                json("{\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\"}")));

        Read read = scanned(input, 4096, 1000);

        assertThat(read.opens()).isEqualTo(1);
        assertThat(read.reading()).isEqualTo(jackson(input));
    }

    /** What the scan leaves to Jackson's pass: read again from the record where it stopped, none handed on twice. */
    @Test
    void whatTheScanDoesNotAcceptIsReadOnByJacksonsPass() {
        List<String> inputs = List.of(
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"event\\u004eame\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\"}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"Stop\\u004cogging\",\"eventSource\":\"cloudtrail.amazonaws.com\"}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"CreateAccessKey\",\"errorCode\":{\"a\":1}}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"CreateAccessKey\",\"errorCode\":42}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"}]}\r\n{\"Records\":[{\"eventName\":\"StopLogging\",\"eventSource\":\"cloudtrail.amazonaws.com\"}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},7,{\"eventName\":\"ListRoles\"}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"}],\"more\":{\"Records\":[]}}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"ListRoles\",\"x\":tru}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"ListRoles\",\"x\":01}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"ListRoles\",\"x\":\"\u0001\"}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"ListRoles\",\"x\":" + "[".repeat(300) + "]".repeat(300) + "}]}",
                "{\"Records\":[{\"eventName\":\"ListUsers\"},{\"eventName\":\"ListRoles\"",
                "[{\"eventName\":\"ListUsers\"}]",
                "{\"eventName\":\"ListUsers\",\"Records\":[]}");
        for (String text : inputs) {
            byte[] input = text.getBytes(StandardCharsets.UTF_8);
            Read read = scanned(input, 4, 2);
            assertThat(read.opens()).as(text).isEqualTo(2);
            assertThat(read.reading()).as(text).isEqualTo(jackson(input));
        }
    }

    /** Random edits of a real log: whatever the bytes, the scan and Jackson's pass agree; many edits stay on the scan. */
    @Test
    void anyEditOfALogIsReadAsJacksonReadsIt() {
        byte[] log = log(records());
        byte[] alphabet = "{}[]\",:\\ \n\r\t0159eE.+-tfnulaxu\u0001".getBytes(StandardCharsets.UTF_8);
        byte[] unusual = {(byte) 0x80, (byte) 0xC3, (byte) 0xA9, (byte) 0xE6, (byte) 0xF0, (byte) 0xFF, (byte) 0xC0};
        Random random = new Random(20261208);
        int onTheScan = 0;
        int cases = 2000;
        for (int n = 0; n < cases; n++) {
            ByteArrayOutputStream edited = new ByteArrayOutputStream();
            int at = random.nextInt(log.length);
            String edit;
            switch (random.nextInt(5)) {
                case 0 -> {
                    edit = "delete byte " + at;
                    edited.write(log, 0, at);
                    edited.write(log, at + 1, log.length - at - 1);
                }
                case 1 -> {
                    byte b = random.nextInt(4) == 0 ? unusual[random.nextInt(unusual.length)] : alphabet[random.nextInt(alphabet.length)];
                    edit = "insert 0x%02x at %d".formatted(b, at);
                    edited.write(log, 0, at);
                    edited.write(b);
                    edited.write(log, at, log.length - at);
                }
                case 2 -> {
                    byte b = alphabet[random.nextInt(alphabet.length)];
                    edit = "replace byte %d with 0x%02x".formatted(at, b);
                    byte[] bytes = log.clone();
                    bytes[at] = b;
                    edited.write(bytes, 0, bytes.length);
                }
                case 3 -> {
                    edit = "truncate at " + at;
                    edited.write(log, 0, at);
                }
                default -> {
                    int length = Math.min(random.nextInt(200), log.length - at);
                    edit = "repeat %d bytes at %d".formatted(length, at);
                    edited.write(log, 0, at + length);
                    edited.write(log, at, log.length - at);
                }
            }
            byte[] input = edited.toByteArray();
            int buffer = new int[] {16, 1000, 1 << 17}[random.nextInt(3)];
            Read read = scanned(input, buffer, 1 << 16);
            assertThat(read.reading()).as("%s, a first buffer of %d bytes", edit, buffer).isEqualTo(jackson(input));
            if (read.opens() == 1) onTheScan++;
        }
        assertThat(onTheScan).as("edits read by the scan alone").isGreaterThan(cases / 5);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Gives at most {@code chunk} bytes per read, as a slow stream or gzip's inflater may. */
    private static final class Stingy extends InputStream {
        private final ByteArrayInputStream in;
        private final int chunk;

        Stingy(byte[] bytes, int chunk) {
            this.in = new ByteArrayInputStream(bytes);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return in.read(buffer, offset, Math.min(length, chunk));
        }
    }
}
