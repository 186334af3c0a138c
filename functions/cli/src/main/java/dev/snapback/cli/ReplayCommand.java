package dev.snapback.cli;

import dev.snapback.alert.AlertRenderer;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.detect.Detectors;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.Outcome;
import dev.snapback.policy.ActStep;
import dev.snapback.policy.Decision;
import dev.snapback.policy.Evaluator;
import dev.snapback.remediate.AwsErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * {@code snapback replay PATH...}: what Snapback would have done about past CloudTrail events.
 *
 * <p>Exit codes: 0 every input read and (under {@code --apply}) every remediation applied; 1 some input was skipped
 * (malformed record, bad gzip, invalid or truncated JSON; the count is on stderr); 2 usage or configuration error
 * (nothing was replayed); 3 under {@code --apply}, a remediation failed or was not applied: its event is for another
 * account than the credentials' (as STS GetCallerIdentity names it), or that account could not be resolved.
 */
@Command(name = "replay", sortOptions = false, mixinStandardHelpOptions = true,
        description = {
                "Replays CloudTrail events through the deployed EventBridge patterns, the detectors and the policy,",
                "and reports every decision. Dry run unless --apply.",
                "Inputs: EventBridge envelopes (.json), CloudTrail S3 log files ({\"Records\":[...]}, .json or .json.gz),",
                "JSON lines of either (.jsonl, .ndjson, optionally .gz), and bare records as CloudTrail Lake, Athena",
                "and SIEM exports write them (lower-case or flattened names, JSON-string fields, spaced or epoch-millis",
                "eventTime; read back into CloudTrail's shape and counted). Directories are read recursively; other",
                "files in them are counted and left alone."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every input read; under --apply every remediation applied",
                "1:some input was skipped (malformed record, bad gzip, invalid or truncated JSON)",
                "2:usage or configuration error; nothing was replayed",
                "3:under --apply, a remediation failed or was not applied (its event is for another account than "
                        + "the credentials', or STS GetCallerIdentity failed)"})
final class ReplayCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int SKIPPED = 1;
    static final int USAGE = 2;
    static final int NOT_ALL_APPLIED = 3;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to replay.")
    private List<Path> paths;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Snapback configuration JSON, as deployed (default: the built-in defaults).")
    private Path config;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default), json (summary and decisions) or ndjson (one decision per line).")
    private Report.Format format;

    @Option(names = "--apply", description = "Execute the REMEDIATE decisions in AWS (standard credential chain; "
            + "AWS_ENDPOINT_URL honoured), only those whose event is for the credentials' own account.")
    private boolean apply;

    @Option(names = "--yes", description = "With --apply: do not ask for confirmation.")
    private boolean yes;

    @Option(names = "--threads", paramLabel = "N", description = "Files read in parallel (default: the number of cores).")
    private int threads = Runtime.getRuntime().availableProcessors();

    private final Terminal terminal;
    /** Resolves the credentials' account (STS GetCallerIdentity) and their executor; may throw. */
    private final Supplier<Caller> callers;

    ReplayCommand(Terminal terminal, Supplier<Caller> callers) {
        this.terminal = terminal;
        this.callers = callers;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintStream err = terminal.err();
        if (apply && !yes && !terminal.interactive()) {
            err.println("snapback: refusing --apply without a terminal to confirm on; add --yes to apply unattended");
            return USAGE;
        }
        if (threads < 1) {
            err.println("snapback: --threads must be at least 1");
            return USAGE;
        }
        SnapbackConfig snapbackConfig;
        Inputs inputs;
        try {
            snapbackConfig = config == null ? SnapbackConfig.defaults() : SnapbackConfig.fromJson(Files.readString(config));
            inputs = Inputs.find(paths);
        } catch (InvalidConfigException e) {
            err.println("snapback: " + config + ": " + e.getMessage());
            return USAGE;
        } catch (NoSuchFileException e) {
            err.println("snapback: " + e.getFile() + ": no such file or directory");
            return USAGE;
        } catch (IOException e) {
            err.println("snapback: cannot read " + config + ": " + e.getMessage());
            return USAGE;
        }

        long start = System.nanoTime();
        Replay.Result result;
        try (Progress progress = terminal.stderrIsTerminal()
                ? Progress.on(err, inputs.files().size(), inputs.totalBytes()) : Progress.NONE) {
            Replay replay = new Replay(new Evaluator(snapbackConfig, snapbackConfig.detectors()), apply,
                    (file, position, problem, restSkipped) -> progress.message(err, "snapback: " + file + ": " + position
                            + ": " + problem + (restSkipped ? " (rest of file skipped)" : " (record skipped)")),
                    progress);
            result = replay.run(inputs.files(), threads);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Report.write(format, result, seconds, inputs.otherFiles(), terminal.out());

        ReplaySummary summary = result.summary();
        if (format != Report.Format.TEXT) {
            err.printf("snapback: replayed %d records (%d bytes, %d uncompressed) from %d files in %.2f s: %d matched, %d decisions%n",
                    summary.records, summary.compressedBytes, summary.uncompressedBytes, summary.files, seconds,
                    summary.matched(), result.decisions().size());
        }
        if (summary.skipped() > 0) {
            err.printf("snapback: skipped %d malformed records and %d unreadable files%n", summary.malformedRecords, summary.failedFiles);
        }
        if (apply && !applyAll(result.decisions())) return NOT_ALL_APPLIED;
        return summary.skipped() > 0 ? SKIPPED : OK;
    }

    /**
     * Executes, after confirmation, the REMEDIATE decisions whose event is for the credentials' own account; false
     * when any failed or was not applied. Replaying another account's logs must never touch this account's
     * same-named users, keys or groups, so a decision for another account is reported and left alone.
     */
    private boolean applyAll(List<ReplayedDecision> decisions) {
        PrintStream err = terminal.err();
        List<ReplayedDecision> remediate = decisions.stream().filter(d -> d.action() == Decision.Action.REMEDIATE).toList();
        if (remediate.isEmpty()) {
            err.println("snapback: nothing to apply: no decision is REMEDIATE");
            return true;
        }
        Caller caller;
        try {
            caller = callers.get();
        } catch (RuntimeException e) {
            err.printf("snapback: nothing applied: cannot tell which account the credentials are for (STS GetCallerIdentity: %s)%n",
                    e instanceof AwsServiceException aws ? AwsErrors.describe(aws) : e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
        Map<Boolean, List<ReplayedDecision>> byAccount = remediate.stream()
                .collect(Collectors.partitioningBy(d -> d.account().equals(caller.account())));
        List<ReplayedDecision> otherAccounts = byAccount.get(false);
        List<ReplayedDecision> toApply = byAccount.get(true);
        otherAccounts.forEach(d -> err.printf("snapback: not applied: event is for account %s, credentials are for account %s: %s (eventID %s)%n",
                d.account(), caller.account(), d.remediation(), d.eventId()));
        if (!otherAccounts.isEmpty()) {
            err.printf("snapback: %d of %d remediations not applied: their events are for other accounts%n",
                    otherAccounts.size(), remediate.size());
        }
        if (toApply.isEmpty()) return false;

        err.printf("%d remediations to apply in account %s:%n", toApply.size(), caller.account());
        toApply.forEach(d -> err.printf("  %s/%s  %s  (eventID %s)%n", d.account(), d.region(), d.remediation(), d.eventId()));
        if (!yes && !confirmed(caller.account())) {
            err.println("snapback: not applied");
            return otherAccounts.isEmpty();
        }
        int failed = 0;
        ActStep act = new ActStep(caller.executor());
        for (ReplayedDecision d : toApply) {
            // Replayed history is late by nature: every fix reads the present state first and changes only what is
            // still offending, so a change made since the event is left alone (superseded).
            Outcome outcome = act.act(d.decision());
            Duration age = Duration.between(d.decision().finding().cause().time(), Instant.now());
            err.printf("  %s: %s%s; the event was %s old%n", outcome.label(), d.remediation(),
                    outcome instanceof Outcome.Remediated ? "" : " (" + outcome.detail() + ")", AlertRenderer.humanized(age));
            if (outcome.failsTheInvocation()) failed++;
        }
        if (failed > 0) err.printf("snapback: %d of %d remediations failed%n", failed, toApply.size());
        return failed == 0 && otherAccounts.isEmpty();
    }

    private boolean confirmed(String account) {
        terminal.err().printf("Apply them now in account %s, with the credentials of the standard AWS chain? Type 'yes' to continue: ", account);
        terminal.err().flush();
        try {
            String answer = terminal.in().readLine();
            return answer != null && answer.trim().equalsIgnoreCase("yes");
        } catch (IOException e) {
            return false;
        }
    }
}
