package dev.snapback.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Streams the CloudTrail records of one input; never holds more than one record. CloudTrail's own S3 log files are
 * read by {@link LogFileScan}, a check of their bytes that is cheaper than Jackson's tokens; every other input, and
 * the rest of a log file that scan does not read in full, by Jackson's streaming parser.
 *
 * <p>Accepted shapes, as root values (one per {@code .json} file, one per line in JSON lines, or simply several in a
 * row): a CloudTrail S3 log file {@code {"Records":[...]}}, an EventBridge envelope, a bare CloudTrail record, or a
 * JSON array of records (as query tools export them).
 * Each record is first only scanned: its values are skipped without being decoded, except {@code eventSource},
 * {@code eventName} and {@code errorCode}. Its {@code userIdentity} is skipped too, once the bytes of its first
 * field, CloudTrail's {@code type}, show a caller type that no pattern names (they name {@code "Root"}). Only when a
 * pattern may match the call (or the value is an EventBridge envelope) are the record's bytes, kept by
 * {@link KeepingInputStream}, parsed into a tree, and the caller read from it. A record without those names may be
 * an export with lower-case names ({@link dev.snapback.cli.ExportedForms}): it is parsed and routed by
 * {@code eventsource}, {@code eventname} and {@code errorcode}, so the scan of CloudTrail's own logs stays as lean as
 * it was.
 */
final class RecordReader {

    /** Where the records of one input go. */
    interface Sink {
        /** A record whose call no pattern names: nothing was kept. */
        void unnamed();

        /** A record some pattern may match, or an EventBridge envelope. */
        void candidate(Candidate candidate);

        /** A well-formed JSON value that is not a usable record; reading goes on with the next one. */
        void malformed(String position, String problem);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final byte[] TYPE_FIELD = "\"type\":".getBytes(StandardCharsets.UTF_8);

    /** What a record says of its caller, for routing; {@link #NONE} when no pattern can name it. */
    private record Caller(String type, String invokedBy) {
        static final Caller NONE = new Caller(null, null);

        /** From a parsed record, in CloudTrail's names or an export's lower-case ones. */
        static Caller of(JsonNode record) {
            JsonNode identity = record.has("userIdentity") ? record.path("userIdentity") : record.path("useridentity");
            JsonNode invokedBy = identity.has("invokedBy") ? identity.get("invokedBy") : identity.path("invokedby");
            return new Caller(identity.path("type").textValue(), scalar(invokedBy.asToken(), invokedBy.asText()));
        }
    }

    /** Whether a rule may match a record with these routed values ({@link Router#mayMatch}); asked of every record. */
    @FunctionalInterface
    interface Prefilter {
        boolean mayMatch(String eventSource, String eventName, String errorCode, String identityType, String invokedBy);
    }

    private final Prefilter mayMatch;
    private final int scanBuffer;
    /** The caller types that patterns name, as JSON strings in UTF-8 ({@code "Root"} with its quotes). */
    private final byte[][] callerTypes;

    /** {@code callerTypes}: every {@code userIdentity.type} a pattern names ({@link Router#callerTypes}). */
    RecordReader(Prefilter mayMatch, Set<String> callerTypes) {
        this(mayMatch, callerTypes, 1 << 17);
    }

    /** {@code scanBuffer}: the first buffer size of the scan; a small one makes records cross its end (tests). */
    RecordReader(Prefilter mayMatch, Set<String> callerTypes, int scanBuffer) {
        this.scanBuffer = scanBuffer;
        this.mayMatch = mayMatch;
        this.callerTypes = callerTypes.stream().map(type -> ('"' + type + '"').getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
    }

    /** An input that can be opened again: the scan's fallback reads it a second time. */
    @FunctionalInterface
    interface Input {
        InputStream open() throws IOException;
    }

    /**
     * Reads every root value of the input: CloudTrail's S3 log layout through {@link LogFileScan}, and anything
     * that scan does not read in full with Jackson's pass, which goes on from the first record the scan did not hand
     * on. A JSON syntax error ends the input: it is thrown as a {@link BadInputException} with the position, after
     * the records before it went to the sink.
     *
     * @return the number of (uncompressed) bytes read
     * @throws IOException the input cannot be opened
     */
    long read(Input input, Sink sink) throws IOException {
        int resumeAt;
        try (InputStream in = input.open()) {
            LogFileScan scan = new LogFileScan(in, this, sink, scanBuffer);
            try {
                if (scan.run()) return scan.bytesRead();
            } catch (IOException e) {
                // A read error, or a record Jackson refuses: Jackson's pass meets it again and says where.
            }
            resumeAt = scan.handled();
        }
        try (InputStream in = input.open()) {
            return read(in, sink, resumeAt);
        }
    }

    /** Jackson's pass over {@code in}, handing on records from #{@code resumeAt} on. */
    long read(InputStream in, Sink sink, int resumeAt) throws BadInputException {
        Pass pass = new Pass(new KeepingInputStream(in), sink, resumeAt);
        try {
            return pass.run();
        } catch (JsonProcessingException e) {
            throw new BadInputException("not valid JSON: " + withoutSourceNote(e.getOriginalMessage()), position(e.getLocation(), pass.index), e);
        } catch (IOException e) {
            // A bad or truncated gzip stream, or a read error: where the parser had got to.
            throw new BadInputException(e.getMessage(), position(pass.parser == null ? null : pass.parser.currentLocation(), pass.index), e);
        } finally {
            pass.close();
        }
    }

    /** What a scan read of one record's top-level fields, before any tree. */
    static final class Fields {
        String eventSource;
        String eventName;
        /** As the patterns match it: quoted when a string ({@link #scalar}). */
        String errorCode;
        String problem;
        boolean callerTypeNamed;
        boolean envelope;

        void clear() {
            eventSource = null;
            eventName = null;
            errorCode = null;
            problem = null;
            callerTypeNamed = false;
            envelope = false;
        }
    }

    /** The record's whole tree, parsed only when wanted. */
    @FunctionalInterface
    interface Tree {
        JsonNode parse() throws IOException;
    }

    /**
     * Hands one scanned record (record #{@code at}, its brace at that line, column and byte) to the sink: nothing of
     * it when no pattern can match it; otherwise its tree, and the caller read from it.
     */
    void route(Fields fields, int at, long byteOffset, int line, int column, Tree tree, Sink sink) throws IOException {
        String eventSource = fields.eventSource;
        String eventName = fields.eventName;
        String errorCode = fields.errorCode;
        String problem = fields.problem;
        boolean envelope = fields.envelope;
        JsonNode json = null;
        Caller caller = Caller.NONE;
        if (!envelope && (eventSource == null || eventName == null || fields.callerTypeNamed)) {
            json = tree.parse();
            caller = Caller.of(json);
            if (eventSource == null) eventSource = json.path("eventsource").textValue();
            if (eventName == null) eventName = json.path("eventname").textValue();
            JsonNode lowerCased = json.path("errorcode");
            if (!lowerCased.isMissingNode() && !json.has("errorCode")) {
                errorCode = scalar(lowerCased.asToken(), lowerCased.asText());
                if (lowerCased.isContainerNode()) problem = "errorcode: expected a string, got " + describe(lowerCased.asToken());
            }
        }
        if (!envelope && eventSource != null && eventName != null && !mayMatch.mayMatch(eventSource, eventName, errorCode, caller.type(), caller.invokedBy())) {
            sink.unnamed();
            return;
        }
        String position = position(at, line, column, byteOffset);
        if (problem != null) {
            sink.malformed(position, problem);
            return;
        }
        if (json == null) {
            json = tree.parse();
            if (!envelope) caller = Caller.of(json);
        }
        if (envelope) {
            Candidate.ofEnvelope(json, position).ifPresentOrElse(sink::candidate,
                    () -> sink.malformed(position, Candidate.NOT_AN_ENVELOPE));
        } else if (eventSource == null || eventName == null) {
            sink.malformed(position, "neither a CloudTrail record (eventSource and eventName strings) nor an EventBridge envelope");
        } else {
            sink.candidate(new Candidate(Route.ofRecord(eventSource, eventName, errorCode, caller.type(), caller.invokedBy()),
                    false, json, position));
        }
    }

    /**
     * Whether the {@code userIdentity} object whose first byte after the brace is {@code bytes[at]} may have a type
     * some pattern names. CloudTrail writes {@code type} first: when the bytes after the brace are
     * {@code "type":"X"}, with X a plain string and none of those types, the object needs no decoding. Any other
     * layout answers yes, which only costs a parse of the record.
     */
    boolean callerTypeMayBeNamed(byte[] bytes, int at, int end) {
        if (!startsWith(bytes, at, end, TYPE_FIELD)) return true;
        at += TYPE_FIELD.length;
        if (at >= end || bytes[at] != '"') return true;
        for (byte[] type : callerTypes) {
            if (startsWith(bytes, at, end, type)) return true;
        }
        for (int i = at + 1; i < end; i++) {
            if (bytes[i] == '"') return false;
            if (bytes[i] == '\\') return true;
        }
        return true;
    }

    static JsonNode tree(byte[] bytes, int from, int length) throws IOException {
        return JSON.readTree(bytes, from, length);
    }

    /** One read of one input. */
    private final class Pass {
        final KeepingInputStream kept;
        final Sink sink;
        JsonParser parser;
        /** Records before this index were handed on by the scan already, and are skipped. */
        final int resumeAt;
        /** Index of the next record (or value standing in for one) in the input. */
        int index;

        Pass(KeepingInputStream kept, Sink sink, int resumeAt) {
            this.kept = kept;
            this.sink = sink;
            this.resumeAt = resumeAt;
        }

        long run() throws IOException {
            parser = FACTORY.createParser(kept);
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                value(token, null);
            }
            return parser.currentLocation().getByteOffset();
        }

        /** A root value ({@code within} null), or an element of the array {@code within} names. */
        private void value(JsonToken token, String within) throws IOException {
            if (token == JsonToken.START_OBJECT) {
                object(within == null);
            } else if (within == null && token == JsonToken.START_ARRAY) {
                records(token, "array of records");
            } else {
                sink.malformed(position(parser.currentTokenLocation(), index++),
                        (within == null ? "" : within + ": ") + "expected a JSON object, got " + describe(token));
                parser.skipChildren();
            }
        }

        /**
         * An object: a CloudTrail S3 log file (a root object with {@code Records}), an EventBridge envelope or a bare
         * record. Its values are skipped undecoded except the few routing needs; its kept bytes are parsed only when
         * a pattern may match it.
         */
        private void object(boolean root) throws IOException {
            JsonLocation start = parser.currentTokenLocation();
            kept.keepFrom(start.getByteOffset());
            Fields fields = new Fields();
            boolean logFile = false;
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "Records" -> {
                        if (root) {
                            logFile = true;
                            records(value, "Records");
                            continue;
                        }
                    }
                    case "eventSource" -> fields.eventSource = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "eventName" -> fields.eventName = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "errorCode" -> {
                        fields.errorCode = scalar(value, parser.getText());
                        if (value.isStructStart()) fields.problem = "errorCode: expected a string, got " + describe(value);
                    }
                    case "userIdentity" -> fields.callerTypeNamed = value == JsonToken.START_OBJECT
                            && callerTypeMayBeNamed(kept.array(), kept.indexOf(parser.currentLocation().getByteOffset()), kept.length());
                    case "detail", "detail-type" -> fields.envelope = true;
                    default -> { }
                }
                parser.skipChildren();
            }
            if (logFile) return;
            route(fields, index++, start.getByteOffset(), start.getLineNr(), start.getColumnNr(), () -> tree(start), sink);
        }

        /** The object that began at {@code start} and just ended, from its kept bytes. */
        private JsonNode tree(JsonLocation start) throws IOException {
            int from = kept.indexOf(start.getByteOffset());
            return RecordReader.tree(kept.array(), from, kept.indexOf(parser.currentLocation().getByteOffset()) - from);
        }

        /** The {@code Records} array of a CloudTrail S3 log file, or an exported array of records. */
        private void records(JsonToken token, String name) throws IOException {
            if (token != JsonToken.START_ARRAY) {
                sink.malformed(position(parser.currentTokenLocation(), index++), name + ": expected an array, got " + describe(token));
                parser.skipChildren();
                return;
            }
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                if (index < resumeAt) {
                    // handed on by the scan before it stopped
                    parser.skipChildren();
                    index++;
                } else {
                    value(element, name);
                }
            }
        }

        /** Closing returns the parser's buffers for reuse; a read-only input has nothing to lose on close. */
        void close() {
            if (parser == null) return;
            try {
                parser.close();
            } catch (IOException ignored) {
                // nothing was written
            }
        }
    }

    /**
     * A value as the patterns match it ({@code errorCode}, {@code invokedBy}): a string quoted, another scalar as
     * its text. CloudTrail leaves such a field out when it does not apply; an export's column holds null, which is
     * the same.
     */
    private static String scalar(JsonToken value, String text) {
        if (value == JsonToken.VALUE_STRING) return '"' + text + '"';
        return value == JsonToken.VALUE_NULL || !value.isScalarValue() ? null : text;
    }

    private static boolean startsWith(byte[] bytes, int at, int end, byte[] prefix) {
        return end - at >= prefix.length && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /** Line and column, the byte offset (of the uncompressed stream) and the record's index in its input. */
    static String position(JsonLocation at, int index) {
        if (at == null) return "record #" + index + " at the start of the input";
        return position(index, at.getLineNr(), at.getColumnNr(), at.getByteOffset());
    }

    private static String position(int index, int line, int column, long byteOffset) {
        return "record #" + index + " at line " + line + ", column " + column + ", byte " + byteOffset;
    }

    /** Jackson appends where an unclosed array or object started, with a note about its redacted source. */
    private static String withoutSourceNote(String message) {
        int note = message.indexOf(" (start marker at [Source");
        return note < 0 ? message : message.substring(0, note);
    }

    private static String describe(JsonToken token) {
        if (token == null) return "the end of the input";
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase();
        };
    }
}
