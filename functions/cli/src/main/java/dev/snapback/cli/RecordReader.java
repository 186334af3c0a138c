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
 * Streams the CloudTrail records of one input with Jackson's streaming parser; never holds more than one record.
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
    /** The caller types that patterns name, as JSON strings in UTF-8 ({@code "Root"} with its quotes). */
    private final byte[][] callerTypes;

    /** {@code callerTypes}: every {@code userIdentity.type} a pattern names ({@link Router#callerTypes}). */
    RecordReader(Prefilter mayMatch, Set<String> callerTypes) {
        this.mayMatch = mayMatch;
        this.callerTypes = callerTypes.stream().map(type -> ('"' + type + '"').getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
    }

    /**
     * Reads every root value of {@code in}. A JSON syntax error ends the input: it is thrown as a
     * {@link BadInputException} with the position, after the records before it went to the sink.
     *
     * @return the number of (uncompressed) bytes read
     */
    long read(InputStream in, Sink sink) throws BadInputException {
        Pass pass = new Pass(new KeepingInputStream(in), sink);
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

    /** One read of one input. */
    private final class Pass {
        final KeepingInputStream kept;
        final Sink sink;
        JsonParser parser;
        /** Index of the next record (or value standing in for one) in the input. */
        int index;

        Pass(KeepingInputStream kept, Sink sink) {
            this.kept = kept;
            this.sink = sink;
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
            String eventSource = null;
            String eventName = null;
            String errorCode = null;
            boolean callerTypeNamed = false;
            String problem = null;
            boolean envelope = false;
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
                    case "eventSource" -> eventSource = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "eventName" -> eventName = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "errorCode" -> {
                        errorCode = scalar(value, parser.getText());
                        if (value.isStructStart()) problem = "errorCode: expected a string, got " + describe(value);
                    }
                    case "userIdentity" -> callerTypeNamed = value == JsonToken.START_OBJECT && callerTypeMayBeNamed();
                    case "detail", "detail-type" -> envelope = true;
                    default -> { }
                }
                parser.skipChildren();
            }
            if (logFile) return;
            int at = index++;
            JsonNode json = null;
            Caller caller = Caller.NONE;
            if (!envelope && (eventSource == null || eventName == null || callerTypeNamed)) {
                json = tree(start);
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
            String position = position(start, at);
            if (problem != null) {
                sink.malformed(position, problem);
                return;
            }
            if (json == null) {
                json = tree(start);
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
         * Whether the {@code userIdentity} object the parser has just entered may have a type some pattern names.
         * CloudTrail writes {@code type} first: when the bytes after the brace are {@code "type":"X"}, with X a plain
         * string and none of those types, the object is skipped without decoding its field names. Any other layout
         * answers yes, which only costs a parse of the record.
         */
        private boolean callerTypeMayBeNamed() {
            byte[] bytes = kept.array();
            int end = kept.length();
            int at = kept.indexOf(parser.currentLocation().getByteOffset());
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

        /** The object that began at {@code start} and just ended, from its kept bytes. */
        private JsonNode tree(JsonLocation start) throws IOException {
            int from = kept.indexOf(start.getByteOffset());
            return JSON.readTree(kept.array(), from, kept.indexOf(parser.currentLocation().getByteOffset()) - from);
        }

        /** The {@code Records} array of a CloudTrail S3 log file, or an exported array of records. */
        private void records(JsonToken token, String name) throws IOException {
            if (token != JsonToken.START_ARRAY) {
                sink.malformed(position(parser.currentTokenLocation(), index++), name + ": expected an array, got " + describe(token));
                parser.skipChildren();
                return;
            }
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                value(element, name);
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
        return "record #" + index + " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                + ", byte " + at.getByteOffset();
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
