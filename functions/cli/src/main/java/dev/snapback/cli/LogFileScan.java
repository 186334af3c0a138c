package dev.snapback.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link RecordReader}, for the layout of CloudTrail's own S3 log files: {@code {"Records":[{...},
 * ...]}}. It checks each record's JSON itself, byte by byte and eight bytes at a time inside strings, reads only
 * the few top-level fields routing needs, and hands a record's bytes to Jackson only when a pattern may match it.
 *
 * <p>It accepts a strict subset of what Jackson's pass accepts, read the same way. Whatever is outside that subset
 * stops it: another layout, an escape in a top-level name or a routed value, a carriage return, deep nesting, a long
 * name or number, bad UTF-8, a syntax error or a read error. The reader then reads the input again with Jackson's
 * pass from the first record not yet handed on ({@link #handled()}), so every problem is reported as that pass
 * reports it, and no record is handed on twice.
 */
final class LogFileScan {

    /** A scan step's answer: the bytes end before what it scans does. */
    private static final int NEED_MORE = -1;
    /** A scan step's answer: outside what this scan accepts. */
    private static final int STOP = -2;
    /** Well within Jackson's own limits (nesting 1000, names 50,000, numbers 1,000), which are then its to apply. */
    private static final int MAX_DEPTH = 256;
    private static final int MAX_NAME = 1024;
    private static final int MAX_NUMBER = 256;

    private static final byte[] RECORDS = "\"Records\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;

    /** The top-level names routing reads, matched on their bytes. */
    private enum Name {
        EVENT_SOURCE("eventSource"), EVENT_NAME("eventName"), ERROR_CODE("errorCode"), USER_IDENTITY("userIdentity"),
        DETAIL("detail"), DETAIL_TYPE("detail-type");

        final byte[] bytes;

        Name(String name) {
            bytes = name.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final Name[] NAMES = Name.values();

    private final InputStream in;
    private final RecordReader reader;
    private final RecordReader.Sink sink;
    private final RecordReader.Fields fields = new RecordReader.Fields();
    private byte[] buffer;
    /** Bytes in {@code buffer}, and the stream offset of {@code buffer[0]}. */
    private int end;
    private long bufferOffset;
    private boolean endOfInput;
    /** Where the scan stands: every byte before it has been read and handed on. */
    private int at;
    /** Line number, and the stream offset where the line begins, as Jackson counts them (only line feeds occur). */
    private int line = 1;
    private long lineStart;
    /** Whether the string {@link #string} just scanned holds an escape. */
    private boolean escaped;
    /** Where the {@code userIdentity} object of the record being scanned begins, or -1. */
    private int identity;
    /** Whether the last separator was the {@code ]} that closes the records. */
    private boolean lastRecord;
    private int handled;

    /** {@code bufferSize}: the first buffer's; it grows to hold the largest record. */
    LogFileScan(InputStream in, RecordReader reader, RecordReader.Sink sink, int bufferSize) {
        this.buffer = new byte[bufferSize];
        this.in = in;
        this.reader = reader;
        this.sink = sink;
    }

    /** The number of records handed on to the sink. */
    int handled() {
        return handled;
    }

    /**
     * Scans the input, handing each record on. True when the whole input was read; false when the scan stopped at
     * record #{@link #handled()}, for Jackson's pass to read on from.
     *
     * @throws IOException a read error, or a record that Jackson then refuses to parse (the same: read on with Jackson)
     */
    boolean run() throws IOException {
        if (!step(this::opening)) return false;
        if (buffer[at] == ']') {
            at++;
            return closing();
        }
        while (!lastRecord) {
            long offset = bufferOffset + at;
            int recordLine = line;
            int column = (int) (offset - lineStart) + 1;
            if (!step(this::record)) return false;
            // Reading more may have moved the record within the buffer; its stream offset stays.
            int start = (int) (offset - bufferOffset);
            fields.callerTypeNamed = identity >= 0 && reader.callerTypeMayBeNamed(buffer, identity, end);
            reader.route(fields, handled, offset, recordLine, column,
                    () -> RecordReader.tree(buffer, start, at - start), sink);
            handled++;
            if (!step(this::separator)) return false;
        }
        return closing();
    }

    /** Bytes read from the input: all of it, once {@link #run} returned true. */
    long bytesRead() {
        return bufferOffset + end;
    }

    @FunctionalInterface
    private interface Step {
        int from(int index);
    }

    /**
     * Runs a step from {@link #at} and moves past what it scanned; reads more and starts the step again while the
     * bytes end too soon. False when the step stops the scan, or the input ends first.
     */
    private boolean step(Step step) throws IOException {
        while (true) {
            int savedLine = line;
            long savedLineStart = lineStart;
            int next = step.from(at);
            if (next >= 0) {
                at = next;
                return true;
            }
            line = savedLine;
            lineStart = savedLineStart;
            if (next == STOP || endOfInput) return false;
            readMore();
        }
    }

    /**
     * Keeps the bytes from {@link #at} on, growing the buffer only when they fill it, and fills the rest: a step
     * starts again once per buffer, however few bytes each read of the input gives.
     */
    private void readMore() throws IOException {
        int kept = end - at;
        if (kept == buffer.length) {
            buffer = Arrays.copyOfRange(buffer, at, at + 2 * buffer.length);
        } else {
            System.arraycopy(buffer, at, buffer, 0, kept);
        }
        bufferOffset += at;
        at = 0;
        int wanted = buffer.length - kept;
        int n = in.readNBytes(buffer, kept, wanted);
        end = kept + n;
        endOfInput = n < wanted;
    }

    /** {@code {"Records":[}, with whitespace between; answers where the first element (or {@code ]}) begins. */
    private int opening(int i) {
        i = whitespace(i);
        if (i < 0) return i;
        if (buffer[i] != '{') return STOP;
        i = whitespace(i + 1);
        if (i < 0) return i;
        if (end - i < RECORDS.length) return NEED_MORE;
        if (!Arrays.equals(buffer, i, i + RECORDS.length, RECORDS, 0, RECORDS.length)) return STOP;
        i = whitespace(i + RECORDS.length);
        if (i < 0) return i;
        if (buffer[i] != ':') return STOP;
        i = whitespace(i + 1);
        if (i < 0) return i;
        if (buffer[i] != '[') return STOP;
        i = whitespace(i + 1);
        if (i < 0) return i;
        return buffer[i] == '{' || buffer[i] == ']' ? i : STOP;
    }

    /** After a record: {@code ,} and the next record's brace, or the array's {@code ]} (answers just past it). */
    private int separator(int i) {
        i = whitespace(i);
        if (i < 0) return i;
        if (buffer[i] == ']') {
            lastRecord = true;
            return i + 1;
        }
        if (buffer[i] != ',') return STOP;
        i = whitespace(i + 1);
        if (i < 0) return i;
        return buffer[i] == '{' ? i : STOP;
    }

    /** After the array: the log file's closing brace and nothing more; anything else is Jackson's pass to read. */
    private boolean closing() throws IOException {
        if (!step(i -> {
            int j = whitespace(i);
            if (j < 0) return j;
            return buffer[j] == '}' ? j + 1 : STOP;
        })) return false;
        // Only whitespace may follow, up to the end of the input.
        while (whitespace(at) == NEED_MORE) {
            at = end;
            if (endOfInput) return true;
            readMore();
        }
        return false;
    }

    /** A record: any JSON object, reading its top-level routing fields into {@link #fields}. */
    private int record(int i) {
        fields.clear();
        identity = -1;
        return container(i, 1, '}');
    }

    /** Reads a routing field's value, as Jackson's pass reads it; false for a form left to that pass. */
    private boolean field(Name name, int from, int to) {
        byte first = buffer[from];
        switch (name) {
            case EVENT_SOURCE, EVENT_NAME -> {
                String text = null;
                if (first == '"') {
                    text = plain(from + 1, to - 1);
                    if (text == null) return false;
                }
                if (name == Name.EVENT_SOURCE) fields.eventSource = text;
                else fields.eventName = text;
            }
            case ERROR_CODE -> {
                // Quoted, as the patterns match it; a number or a boolean is left to Jackson's pass.
                if (first == '"') {
                    fields.errorCode = plain(from, to);
                    if (fields.errorCode == null) return false;
                } else if (first == 'n') {
                    fields.errorCode = null;
                } else {
                    return false;
                }
            }
            case USER_IDENTITY -> identity = first == '{' ? from + 1 : -1;
            case DETAIL, DETAIL_TYPE -> fields.envelope = true;
        }
        return true;
    }

    /**
     * The text of these bytes when they are plain ASCII without escapes, the same as Jackson decodes it; none
     * otherwise (Jackson and Java's decoder may read other bytes differently).
     */
    private String plain(int from, int to) {
        if (escaped) return null;
        for (int k = from; k < to; k++) {
            if (buffer[k] < 0) return null;
        }
        return new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private Name name(int from, int to) {
        int length = to - from;
        for (Name name : NAMES) {
            if (name.bytes.length == length && Arrays.equals(buffer, from, to, name.bytes, 0, length)) return name;
        }
        return null;
    }

    private int value(int i, int depth) {
        return switch (buffer[i]) {
            case '"' -> string(i);
            case '{' -> container(i, depth + 1, '}');
            case '[' -> container(i, depth + 1, ']');
            case 't' -> literal(i, TRUE);
            case 'f' -> literal(i, FALSE);
            case 'n' -> literal(i, NULL);
            default -> number(i);
        };
    }

    /**
     * An object or an array (as {@code close} says) from its opening bracket; answers just past the closing one. The
     * fields of the record itself, at depth 1, are read as they pass.
     */
    private int container(int i, int depth, char close) {
        if (depth > MAX_DEPTH) return STOP;
        i = whitespace(i + 1);
        if (i < 0) return i;
        if (buffer[i] == close) return i + 1;
        while (true) {
            Name name = null;
            if (close == '}') {
                if (buffer[i] != '"') return STOP;
                int nameStart = i + 1;
                i = string(i);
                if (i < 0) return i;
                if (i - nameStart > MAX_NAME) return STOP;
                if (depth == 1) {
                    if (escaped) return STOP;
                    name = name(nameStart, i - 1);
                }
                i = whitespace(i);
                if (i < 0) return i;
                if (buffer[i] != ':') return STOP;
                i = whitespace(i + 1);
                if (i < 0) return i;
            }
            int valueStart = i;
            i = value(i, depth);
            if (i < 0) return i;
            if (name != null && !field(name, valueStart, i)) return STOP;
            i = whitespace(i);
            if (i < 0) return i;
            if (buffer[i] == close) return i + 1;
            if (buffer[i] != ',') return STOP;
            i = whitespace(i + 1);
            if (i < 0) return i;
        }
    }

    /**
     * A string from its opening quote; answers just past the closing one. Eight bytes at a time while none is a
     * quote, a backslash, a control character or a non-ASCII byte; those one at a time, checked.
     */
    private int string(int i) {
        escaped = false;
        i++;
        while (true) {
            if (end - i >= Long.BYTES) {
                long word = (long) LONGS.get(buffer, i);
                long special = zeroBytes(word ^ QUOTES) | zeroBytes(word ^ BACKSLASHES)
                        | ((word - SPACES) & ~word & HIGHS) | (word & HIGHS);
                if (special == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Long.numberOfTrailingZeros(special) >>> 3;
            } else if (i >= end) {
                return NEED_MORE;
            }
            int b = buffer[i] & 0xff;
            if (b == '"') return i + 1;
            if (b == '\\') {
                escaped = true;
                i = escape(i);
            } else if (b < 0x20) {
                return STOP;
            } else if (b >= 0x80) {
                i = utf8(i, b);
            } else {
                i++;
            }
            if (i < 0) return i;
        }
    }

    /** The lowest byte flagged is exactly the first zero byte of {@code word}. */
    private static long zeroBytes(long word) {
        return (word - ONES) & ~word & HIGHS;
    }

    private int escape(int i) {
        if (end - i < 2) return NEED_MORE;
        return switch (buffer[i + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i + 2;
            case 'u' -> {
                if (end - i < 6) yield NEED_MORE;
                for (int k = i + 2; k < i + 6; k++) {
                    if (Character.digit(buffer[k], 16) < 0) yield STOP;
                }
                yield i + 6;
            }
            default -> STOP;
        };
    }

    /** A multi-byte UTF-8 character: a lead byte and its continuation bytes, without judging the code point. */
    private int utf8(int i, int lead) {
        int continuations;
        if (lead >= 0xC2 && lead <= 0xDF) continuations = 1;
        else if (lead >= 0xE0 && lead <= 0xEF) continuations = 2;
        else if (lead >= 0xF0 && lead <= 0xF4) continuations = 3;
        else return STOP;
        if (end - i <= continuations) return NEED_MORE;
        for (int k = i + 1; k <= i + continuations; k++) {
            if ((buffer[k] & 0xC0) != 0x80) return STOP;
        }
        return i + 1 + continuations;
    }

    private int literal(int i, byte[] literal) {
        if (end - i <= literal.length) return NEED_MORE;
        if (!Arrays.equals(buffer, i, i + literal.length, literal, 0, literal.length)) return STOP;
        return isDelimiter(buffer[i + literal.length]) ? i + literal.length : STOP;
    }

    /** JSON's grammar of numbers: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private int number(int i) {
        int start = i;
        if (i < end && buffer[i] == '-') i++;
        if (i >= end) return NEED_MORE;
        if (buffer[i] == '0') {
            i++;
        } else if (isDigit(buffer[i])) {
            i = digits(i);
        } else {
            return STOP;
        }
        if (i < end && buffer[i] == '.') {
            if (++i >= end) return NEED_MORE;
            if (!isDigit(buffer[i])) return STOP;
            i = digits(i);
        }
        if (i < end && (buffer[i] == 'e' || buffer[i] == 'E')) {
            if (++i < end && (buffer[i] == '+' || buffer[i] == '-')) i++;
            if (i >= end) return NEED_MORE;
            if (!isDigit(buffer[i])) return STOP;
            i = digits(i);
        }
        if (i >= end) return NEED_MORE;
        if (i - start > MAX_NUMBER || !isDelimiter(buffer[i])) return STOP;
        return i;
    }

    private int digits(int i) {
        while (i < end && isDigit(buffer[i])) i++;
        return i;
    }

    /** The first byte at or after {@code i} that is not whitespace; a carriage return stops the scan. */
    private int whitespace(int i) {
        while (i < end) {
            byte b = buffer[i];
            if (b == ' ' || b == '\t') {
                i++;
            } else if (b == '\n') {
                newLine(i++);
            } else if (b == '\r') {
                return STOP;
            } else {
                return i;
            }
        }
        return NEED_MORE;
    }

    private void newLine(int index) {
        line++;
        lineStart = bufferOffset + index + 1;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** What may follow a literal or a number: a stray letter or digit makes it another token. */
    private static boolean isDelimiter(byte b) {
        return isWhitespace(b) || b == ',' || b == '}' || b == ']';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
