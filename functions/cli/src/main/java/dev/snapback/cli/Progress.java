package dev.snapback.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress display on stderr (files, records/s, ETA from the bytes read), refreshed twice a second.
 * Only used when stderr is a terminal; {@link #NONE} otherwise.
 */
class Progress implements AutoCloseable {

    static final Progress NONE = new Progress();

    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();

    private Progress() {
    }

    void fileDone(long fileBytes, long fileRecords) {
        files.incrementAndGet();
        bytes.addAndGet(fileBytes);
        records.addAndGet(fileRecords);
    }

    /** Writes above the progress line without garbling it. */
    void message(PrintStream err, String line) {
        err.println(line);
    }

    @Override
    public void close() {
    }

    static Progress on(PrintStream err, long totalFiles, long totalBytes) {
        return new Terminal(err, totalFiles, totalBytes);
    }

    private static final class Terminal extends Progress {
        private final PrintStream err;
        private final long totalFiles;
        private final long totalBytes;
        private final long start = System.nanoTime();
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("progress").factory());

        Terminal(PrintStream err, long totalFiles, long totalBytes) {
            this.err = err;
            this.totalFiles = totalFiles;
            this.totalBytes = totalBytes;
            ticker.scheduleAtFixedRate(this::draw, 500, 500, TimeUnit.MILLISECONDS);
        }

        private synchronized void draw() {
            double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
            long done = super.bytes.get();
            long rate = (long) (super.records.get() / seconds);
            String eta = done == 0 ? "?" : format(Duration.ofSeconds((long) (seconds * (totalBytes - done) / done)));
            err.print("\r\033[K" + super.files.get() + "/" + totalFiles + " files, " + super.records.get()
                    + " records, " + rate + " records/s, ETA " + eta);
            err.flush();
        }

        @Override
        synchronized void message(PrintStream err, String line) {
            err.print("\r\033[K");
            err.println(line);
        }

        @Override
        public synchronized void close() {
            ticker.shutdownNow();
            err.print("\r\033[K");
            err.flush();
        }

        private static String format(Duration d) {
            return "%d:%02d:%02d".formatted(d.toHours(), d.toMinutesPart(), d.toSecondsPart());
        }
    }
}
