package dev.snapback.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.detect.Detector;
import dev.snapback.detect.DetectorSpec;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.event.MalformedEventException;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.BurstCount;
import dev.snapback.policy.BurstTally;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Evaluator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Replays inputs through the deployed patterns ({@link Router}), the detectors and the policy ({@link Evaluator}),
 * reading files in parallel. Only counts and the decisions are kept; no record outlives its own processing.
 */
final class Replay {

    /** Where problems with the input are reported, as they are found. */
    interface Problems {
        void report(Path file, String position, String problem, boolean restOfFileSkipped);
    }

    /** Counts, and the decisions in report order. */
    record Result(ReplaySummary summary, List<ReplayedDecision> decisions) {
    }

    /** Distinct repeated values are few (principals, titles, fixes); past this bound values stay copies. */
    private static final int MAX_SHARED_VALUES = 100_000;

    private final Evaluator evaluator;
    private final Router router;
    private final Map<String, Detector> detectors = new LinkedHashMap<>();
    private final List<DetectorSpec> specs;
    private final boolean keepForApply;
    private final Problems problems;
    private final Progress progress;
    /** Decisions outlive their file until the report; the values they repeat are held once ({@link #shared}). */
    private final Map<Object, Object> sharedValues = new ConcurrentHashMap<>();

    Replay(Evaluator evaluator, boolean keepForApply, Problems problems, Progress progress) {
        this.evaluator = evaluator;
        evaluator.detectors().forEach(d -> detectors.put(d.spec().id(), d));
        this.specs = evaluator.detectors().stream().map(Detector::spec).toList();
        this.router = new Router(specs);
        this.keepForApply = keepForApply;
        this.problems = problems;
        this.progress = progress;
    }

    /** The one copy of a value many decisions repeat ({@link ReplayedDecision#of}); bounded, past which values stay copies. */
    @SuppressWarnings("unchecked")
    private <T> T shared(T value) {
        if (value == null || sharedValues.size() >= MAX_SHARED_VALUES) return value;
        Object known = sharedValues.putIfAbsent(value, value);
        return known == null ? value : (T) known;
    }

    Result run(List<Path> files, int threads) throws InterruptedException {
        ReplaySummary total = new ReplaySummary(specs);
        List<ReplayedDecision> decisions = new ArrayList<>();
        // A bounded queue: the walk never runs far ahead of the readers; when it is full the caller reads too.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(2 * threads), Thread.ofPlatform().daemon().name("replay-", 0).factory(),
                new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            for (Path file : files) {
                pool.execute(() -> {
                    FileRun run = new FileRun(file);
                    run.read();
                    synchronized (total) {
                        total.add(run.summary);
                        decisions.addAll(run.decisions);
                    }
                    progress.fileDone(Inputs.size(file), run.summary.records);
                });
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        }
        synchronized (total) {
            decisions.sort(ReplayedDecision.ORDER);
            countBursts(decisions, total);
            return new Result(total, List.copyOf(decisions));
        }
    }

    /**
     * Counts the bursts' decisions in event-time order across every input, as the functions count them in the audit
     * table: only the one that reaches its threshold in its window still pages; the others are counted.
     */
    private static void countBursts(List<ReplayedDecision> decisions, ReplaySummary total) {
        BurstTally bursts = new BurstTally();
        for (int i = 0; i < decisions.size(); i++) {
            ReplayedDecision d = decisions.get(i);
            if (d.burst() == null) continue;
            BurstCount count = bursts.count(d.detectorId(), d.burst(), d.eventId(), d.time(), d.sourceIp());
            ReplayedDecision counted = d.counted(count.outcome(d.burst(), d.action()));
            decisions.set(i, counted);
            if (counted.isCounted()) {
                ReplaySummary.Tally tally = total.tally(d.detectorId());
                tally.actions.merge(d.action(), -1L, Long::sum);
                tally.counted++;
            }
        }
    }

    /** One input, read by one thread. */
    private final class FileRun implements RecordReader.Sink {
        final Path file;
        final ReplaySummary summary = new ReplaySummary(specs);
        final List<ReplayedDecision> decisions = new ArrayList<>();

        FileRun(Path file) {
            this.file = file;
        }

        void read() {
            summary.files = 1;
            summary.compressedBytes = Inputs.size(file);
            RecordReader reader = new RecordReader(router::mayMatch, router.callerTypes());
            try {
                summary.uncompressedBytes = reader.read(() -> Inputs.open(file), this);
            } catch (BadInputException e) {
                fail(e.position(), e.getMessage());
            } catch (IOException e) {
                fail("byte 0", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }

        private void fail(String position, String problem) {
            summary.failedFiles = 1;
            problems.report(file, position, problem, true);
        }

        @Override
        public void unnamed() {
            summary.records++;
        }

        @Override
        public void malformed(String position, String problem) {
            summary.records++;
            skip(position, problem);
        }

        /** A bare record in CloudTrail's shape, counting the exported forms it came in. */
        private JsonNode normalized(JsonNode record) {
            if (!(record instanceof ObjectNode object)) return record;
            ExportedForms.Normalized normalized = ExportedForms.normalize(object);
            normalized.forms().forEach(form -> summary.normalised.merge(form, 1L, Long::sum));
            if (!normalized.forms().isEmpty()) summary.normalisedRecords++;
            return normalized.record();
        }

        private void skip(String position, String problem) {
            summary.malformedRecords++;
            problems.report(file, position, problem, false);
        }

        @Override
        public void candidate(Candidate c) {
            summary.records++;
            router.naming(c.route()).forEach(id -> summary.tally(id).seen++);
            List<String> matched = router.route(c.route());
            if (matched.isEmpty()) return;
            CloudTrailEvent event;
            try {
                event = c.envelope() ? EventParser.parseEnvelope(c.json()) : EventParser.parseRecord(normalized(c.json()));
            } catch (MalformedEventException e) {
                skip(c.position(), e.getMessage());
                return;
            }
            for (String id : matched) {
                ReplaySummary.Tally tally = summary.tally(id);
                tally.matched++;
                switch (evaluator.assess(detectors.get(id), event)) {
                    case Assessment.Ignored ignored -> tally.ignored.merge(ignored.reason(), 1L, Long::sum);
                    case Assessment.Decided decided -> {
                        for (Decision decision : decided.decisions()) {
                            tally.actions.merge(decision.action(), 1L, Long::sum);
                            decisions.add(ReplayedDecision.of(id, decision, keepForApply, Replay.this::shared));
                        }
                    }
                }
            }
        }
    }
}
