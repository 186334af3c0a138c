package dev.snapback.cli;

import dev.snapback.detect.DetectorSpec;
import dev.snapback.policy.Decision;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The counts of a replay. One per input while it is read, then merged; not thread-safe by itself. */
final class ReplaySummary {

    /** One detector's counts. */
    static final class Tally {
        /** Records whose call the detector's patterns name, whether the rule delivers them or not. */
        long seen;
        /** Records the detector's EventBridge rule would deliver. */
        long matched;
        final Map<Decision.Action, Long> actions = new EnumMap<>(Decision.Action.class);
        /** Findings of a burst that did not page: below its threshold in their window, or after its page. */
        long counted;
        /** Matched records without a decision, by the reason the evaluator gave. */
        final Map<String, Long> ignored = new TreeMap<>();

        long action(Decision.Action action) {
            return actions.getOrDefault(action, 0L);
        }

        long ignoredTotal() {
            return ignored.values().stream().mapToLong(Long::longValue).sum();
        }

        void add(Tally other) {
            seen += other.seen;
            matched += other.matched;
            counted += other.counted;
            other.actions.forEach((action, n) -> actions.merge(action, n, Long::sum));
            other.ignored.forEach((reason, n) -> ignored.merge(reason, n, Long::sum));
        }
    }

    long files;
    long records;
    long compressedBytes;
    long uncompressedBytes;
    /** Records (well-formed JSON values) that were not usable and were skipped. */
    long malformedRecords;
    /** Inputs that could not be read to their end (bad gzip, invalid or truncated JSON, I/O error). */
    long failedFiles;
    final Map<String, Tally> detectors = new LinkedHashMap<>();
    /** Records read from an exported form, and how often each form occurred. */
    long normalisedRecords;
    final Map<ExportedForms.Form, Long> normalised = new EnumMap<>(ExportedForms.Form.class);

    ReplaySummary(List<DetectorSpec> specs) {
        specs.forEach(spec -> detectors.put(spec.id(), new Tally()));
    }

    Tally tally(String detectorId) {
        return detectors.get(detectorId);
    }

    /** Deliveries: a record two rules deliver counts twice, as EventBridge would invoke twice. */
    long matched() {
        return detectors.values().stream().mapToLong(t -> t.matched).sum();
    }

    long skipped() {
        return malformedRecords + failedFiles;
    }

    void add(ReplaySummary other) {
        files += other.files;
        records += other.records;
        compressedBytes += other.compressedBytes;
        uncompressedBytes += other.uncompressedBytes;
        malformedRecords += other.malformedRecords;
        failedFiles += other.failedFiles;
        other.detectors.forEach((id, tally) -> detectors.get(id).add(tally));
        normalisedRecords += other.normalisedRecords;
        other.normalised.forEach((form, n) -> normalised.merge(form, n, Long::sum));
    }
}
