package dev.snapback.handler;

/**
 * The invocation ran out of time on an event, after paging that and recording it: it fails so Lambda retries the
 * event and the dead-letter queue keeps it if it never finishes.
 */
public final class CouldNotFinishException extends RuntimeException {
    public CouldNotFinishException(String message, Throwable cause) {
        super(message, cause);
    }
}
