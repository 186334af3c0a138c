package dev.snapback.remediate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * How long the AWS calls of one invocation may take, so that no path outlives the function's timeout.
 *
 * <p>An invocation {@link #start}s with the time the Lambda context has left and splits it in three: acting (claim,
 * reads, fixes, audit, pages), then a {@link #reserve} for paging "could not finish" and recording it, then a
 * {@link #safety} margin for the runtime to return the error. Every SDK call of the {@link AwsClients} gets, through
 * {@link #interceptor()}, a total timeout that ends with the current phase (at most {@link #MAX_CALL}, retries
 * included) and an attempt timeout of at most {@link #MAX_ATTEMPT}; once the phase is over a call fails at once with
 * {@link OutOfTimeException}; while reporting, a call may take only half of what is left, so that a page that hangs
 * still leaves time to record it. Outside Lambda ({@link #unbounded}) only the per-call limits apply.
 *
 * <p>A Lambda container runs one invocation at a time, so one budget serves all its clients.
 */
public final class CallBudget {

    /** The most one call may take, its retries included. */
    public static final Duration MAX_CALL = Duration.ofSeconds(25);
    /** The most one attempt may take: a call that hangs is abandoned and retried well before {@link #MAX_CALL}. */
    public static final Duration MAX_ATTEMPT = Duration.ofSeconds(10);
    /** Below this, a call is not started: it could not finish. */
    private static final Duration LEAST_USEFUL = Duration.ofMillis(200);

    private final Clock clock;
    private volatile Instant actBy = Instant.MAX;
    private volatile Instant reportBy = Instant.MAX;
    private volatile boolean reporting;

    public CallBudget(Clock clock) {
        this.clock = clock;
    }

    /** Kept for the "could not finish" page and its audit record: a fifth of the invocation, at most 10 s. */
    static Duration reserve(Duration remaining) {
        return min(Duration.ofSeconds(10), remaining.dividedBy(5));
    }

    /** Kept for the runtime to return the error: a twentieth of the invocation, at most 2 s. */
    static Duration safety(Duration remaining) {
        return min(Duration.ofSeconds(2), remaining.dividedBy(20));
    }

    /** A new invocation with {@code remaining} left before the function times out. */
    public void start(Duration remaining) {
        Instant now = clock.instant();
        reportBy = now.plus(remaining).minus(safety(remaining));
        actBy = reportBy.minus(reserve(remaining));
        reporting = false;
    }

    /** No invocation deadline (the command line): only the per-call limits. */
    public void unbounded() {
        actBy = Instant.MAX;
        reportBy = Instant.MAX;
        reporting = false;
    }

    /** Whether the acting phase is over: what is left is the reserve for reporting that. */
    public boolean actingTimeIsUp() {
        return !clock.instant().isBefore(actBy);
    }

    /** From now on calls may use the reserve: only the "could not finish" page and its record should follow. */
    public void startReporting() {
        reporting = true;
    }

    /** Adds this budget's timeouts to every call of a client. */
    public ExecutionInterceptor interceptor() {
        return new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                if (!(context.request() instanceof AwsRequest request)) return context.request();
                Duration call = nextCall(request.getClass().getSimpleName().replaceFirst("Request$", ""));
                AwsRequestOverrideConfiguration.Builder timeouts = request.overrideConfiguration()
                        .map(AwsRequestOverrideConfiguration::toBuilder).orElseGet(AwsRequestOverrideConfiguration::builder)
                        .apiCallTimeout(call)
                        .apiCallAttemptTimeout(min(call, MAX_ATTEMPT));
                return request.toBuilder().overrideConfiguration(timeouts.build()).build();
            }
        };
    }

    /**
     * How long the next call, {@code operation}, may take, its retries included; for the clients this budget does not
     * intercept ({@link JsonProtocolClient}).
     *
     * @throws OutOfTimeException when too little is left for any call to finish
     */
    public Duration nextCall(String operation) {
        Instant end = reporting ? reportBy : actBy;
        Duration left = end.equals(Instant.MAX) ? MAX_CALL : Duration.between(clock.instant(), end);
        if (left.compareTo(LEAST_USEFUL) < 0) {
            throw new OutOfTimeException("no time left in this invocation for " + operation
                    + (reporting ? "" : " (the rest is kept for reporting that)"));
        }
        // While reporting, a call may take half of what is left: a page that hangs still leaves time to record it.
        if (reporting && left.dividedBy(2).compareTo(LEAST_USEFUL) >= 0) left = left.dividedBy(2);
        return min(left, MAX_CALL);
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The invocation's budget is spent: nothing more is started. */
    public static final class OutOfTimeException extends RuntimeException {
        public OutOfTimeException(String message) {
            super(message);
        }
    }
}
