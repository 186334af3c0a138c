package dev.snapback.event;

/** Input that is not a usable CloudTrail event. The message names the offending field. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
