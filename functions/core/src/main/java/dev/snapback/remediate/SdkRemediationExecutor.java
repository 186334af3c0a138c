package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The one place where a {@link Remediation} is applied, in the account and region of the event that caused it: each
 * kind reads the present state, compares, and changes only what is still offending.
 *
 * <p>Errors that mean "the thing is already gone" ({@link AwsErrors#ALREADY_GONE}) are {@link Outcome.AlreadyCompliant}.
 * Throttling and 5xx never reach this class: the clients' standard retry strategy handles them, and what is left
 * after the retries is an ordinary failure. Every other error, a timeout of the invocation's budget included, is
 * {@link Outcome.Failed}, with the AWS error code, so the pipeline pages and fails the invocation.
 */
public final class SdkRemediationExecutor implements RemediationExecutor {

    private final AwsClients clients;

    public SdkRemediationExecutor(AwsClients clients) {
        this.clients = clients;
    }

    /**
     * @throws IllegalArgumentException for {@link PageOnly} and {@link Sanctioned}: the evaluator pages or exempts those,
     *                                  they never get here
     */
    @Override
    public Outcome execute(Remediation remediation, CloudTrailEvent cause) {
        // Outside the try: a page-only finding that reached the executor is a bug, never a failed remediation.
        if (remediation instanceof PageOnly || remediation instanceof Sanctioned) return remediation.apply(clients, cause);
        try {
            return remediation.apply(clients, cause);
        } catch (AwsServiceException e) {
            return AwsErrors.alreadyGone(e) ? new Outcome.AlreadyCompliant(AwsErrors.describe(e)) : new Outcome.Failed(AwsErrors.describe(e));
        } catch (RuntimeException e) {
            return new Outcome.Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
