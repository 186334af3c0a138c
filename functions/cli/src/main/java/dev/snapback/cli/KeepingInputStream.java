package dev.snapback.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that keeps the bytes it passed on from a movable offset onwards, so that once the streaming parser
 * has seen enough of a record to know it is needed, the record's own bytes can be parsed again. The parser reads
 * ahead, so the reader moves the offset to each record's start only after the parser has reached it: the bytes
 * kept are the current record plus the parser's read-ahead, whatever the size of the input.
 */
final class KeepingInputStream extends FilterInputStream {

    private byte[] kept = new byte[1 << 17];
    /** Stream offset of {@code kept[0]}. */
    private long keptOffset;
    /** Bytes in {@code kept}; the stream offset just past them is {@code keptOffset + length}. */
    private int length;
    /** Index in {@code kept} of the first byte still wanted. */
    private int start;

    KeepingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        int n = in.read(buffer, offset, count);
        if (n > 0) keep(buffer, offset, n);
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("every byte is kept");
    }

    /** Bytes before {@code offset} are no longer wanted. */
    void keepFrom(long offset) {
        start = (int) Math.max(start, Math.min(length, offset - keptOffset));
    }

    byte[] array() {
        return kept;
    }

    /** Index in {@link #array()} just past the last byte kept. */
    int length() {
        return length;
    }

    /** Index in {@link #array()} of the byte at this stream offset, which must still be kept. */
    int indexOf(long offset) {
        long index = offset - keptOffset;
        if (index < start || index > length) throw new IllegalStateException("offset " + offset + " is no longer kept");
        return (int) index;
    }

    private void keep(byte[] buffer, int offset, int n) {
        if (length + n > kept.length) {
            // Drop what is no longer wanted first; grow only if the wanted part itself does not fit.
            int wanted = length - start;
            if (wanted + n > kept.length) {
                byte[] larger = new byte[Math.max(2 * kept.length, wanted + n)];
                System.arraycopy(kept, start, larger, 0, wanted);
                kept = larger;
            } else {
                System.arraycopy(kept, start, kept, 0, wanted);
            }
            keptOffset += start;
            length = wanted;
            start = 0;
        }
        System.arraycopy(buffer, offset, kept, length, n);
        length += n;
    }
}
