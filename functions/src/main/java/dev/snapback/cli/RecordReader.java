package dev.snapback.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiPredicate;

/**
 * Streams the CloudTrail records of one input with Jackson's streaming parser; never holds more than one record.
 *
 * <p>Accepted shapes, as root values (one per {@code .json} file, one per line in JSON lines, or simply several in a
 * row): a CloudTrail S3 log file {@code {"Records":[...]}}, an EventBridge envelope, or a bare CloudTrail record.
 * A record is buffered (as Jackson tokens) only until its {@code eventSource} and {@code eventName} are known; when
 * no pattern names that call, the rest of it is skipped without decoding, and nothing of it is materialized.
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

    /**
     * What routing needs, and the whole record on demand. For a bare record, {@code source} and {@code detailType}
     * are those of the envelope EventBridge would build. {@code errorCode} is JSON text, {@code null} when absent.
     */
    record Candidate(String source, String detailType, String eventSource, String eventName, String errorCode,
                     boolean envelope, JsonNode json, String position) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final BiPredicate<String, String> mayMatch;

    RecordReader(BiPredicate<String, String> mayMatch) {
        this.mayMatch = mayMatch;
    }

    /**
     * Reads every root value of {@code in}. A JSON syntax error ends the input: it is thrown as a
     * {@link BadInputException} with the position, after the records before it went to the sink.
     *
     * @return the number of (uncompressed) bytes read
     */
    long read(InputStream in, Sink sink) throws BadInputException {
        JsonParser parser = null;
        int[] index = {0};
        try {
            parser = FACTORY.createParser(in);
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                readRoot(parser, token, sink, index);
            }
            return parser.currentLocation().getByteOffset();
        } catch (JsonProcessingException e) {
            throw new BadInputException("not valid JSON: " + withoutSourceNote(e.getOriginalMessage()), position(e.getLocation(), index[0]), e);
        } catch (IOException e) {
            // A bad or truncated gzip stream, or a read error: where the parser had got to.
            throw new BadInputException(e.getMessage(), position(parser == null ? null : parser.currentLocation(), index[0]), e);
        } finally {
            closeQuietly(parser);
        }
    }

    /** Closing returns the parser's buffers for reuse; a read-only input has nothing to lose on close. */
    private static void closeQuietly(JsonParser parser) {
        if (parser == null) return;
        try {
            parser.close();
        } catch (IOException ignored) {
            // nothing was written
        }
    }

    private void readRoot(JsonParser parser, JsonToken token, Sink sink, int[] index) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            sink.malformed(position(parser.currentTokenLocation(), index[0]++), "expected a JSON object, got " + describe(token));
            parser.skipChildren();
            return;
        }
        JsonToken first = parser.nextToken();
        if (first == JsonToken.FIELD_NAME && "Records".equals(parser.currentName())) {
            readRecords(parser, sink, index);
            return;
        }
        readRecord(parser, first, sink, index[0]++);
    }

    /** The {@code Records} array of a CloudTrail S3 log file, then the rest of the root object. */
    private void readRecords(JsonParser parser, Sink sink, int[] index) throws IOException {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
            sink.malformed(position(parser.currentTokenLocation(), index[0]++), "Records: expected an array, got " + describe(parser.currentToken()));
            parser.skipChildren();
        } else {
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT) {
                    readRecord(parser, parser.nextToken(), sink, index[0]++);
                } else {
                    sink.malformed(position(parser.currentTokenLocation(), index[0]++), "Records: expected an object, got " + describe(token));
                    parser.skipChildren();
                }
            }
        }
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            parser.nextToken();
            parser.skipChildren();
        }
    }

    /** One object, the parser just past its START_OBJECT with {@code token} its first field (or END_OBJECT). */
    private void readRecord(JsonParser parser, JsonToken token, Sink sink, int index) throws IOException {
        JsonLocation start = parser.currentTokenLocation();
        TokenBuffer buffer = new TokenBuffer(parser, null);
        buffer.writeStartObject();
        String eventSource = null;
        String eventName = null;
        String errorCode = null;
        String problem = null;
        boolean envelope = false;
        for (; token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "eventSource" -> eventSource = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "eventName" -> eventName = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "errorCode" -> {
                    if (value == JsonToken.VALUE_STRING) errorCode = '"' + parser.getText() + '"';
                    else if (value.isScalarValue()) errorCode = parser.getText();
                    else problem = "errorCode: expected a string, got " + describe(value);
                }
                case "detail", "detail-type" -> envelope = true;
                default -> { }
            }
            if (buffer == null) {
                parser.skipChildren();
                continue;
            }
            buffer.writeFieldName(field);
            buffer.copyCurrentStructure(parser);
            if (!envelope && eventSource != null && eventName != null && !mayMatch.test(eventSource, eventName)) {
                buffer = null;
            }
        }
        if (buffer == null) {
            sink.unnamed();
            return;
        }
        buffer.writeEndObject();
        JsonNode json = JSON.readTree(buffer.asParser());
        String position = position(start, index);
        if (problem != null) {
            sink.malformed(position, problem);
        } else if (envelope) {
            envelope(json, position, sink);
        } else if (eventSource == null || eventName == null) {
            sink.malformed(position, "neither a CloudTrail record (eventSource and eventName strings) nor an EventBridge envelope");
        } else {
            sink.candidate(new Candidate(Router.sourceOf(eventSource), Router.detailTypeOf(eventName), eventSource,
                    eventName, errorCode, false, json, position));
        }
    }

    private static void envelope(JsonNode json, String position, RecordReader.Sink sink) {
        JsonNode detail = json.path("detail");
        String source = json.path("source").textValue();
        String detailType = json.path("detail-type").textValue();
        String eventSource = detail.path("eventSource").textValue();
        String eventName = detail.path("eventName").textValue();
        if (source == null || detailType == null || eventSource == null || eventName == null) {
            sink.malformed(position, "EventBridge envelope without source, detail-type, detail.eventSource and detail.eventName strings");
            return;
        }
        JsonNode errorCode = detail.get("errorCode");
        sink.candidate(new Candidate(source, detailType, eventSource, eventName,
                errorCode == null ? null : errorCode.toString(), true, json, position));
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
