package dev.snapback.handler;

/**
 * Thrown after a failed remediation has been paged and audited, so that the invocation fails: Lambda retries the
 * event and, if it keeps failing, the dead-letter queue keeps it.
 */
public final class RemediationFailedException extends RuntimeException {
    public RemediationFailedException(String message) {
        super(message);
    }
}
