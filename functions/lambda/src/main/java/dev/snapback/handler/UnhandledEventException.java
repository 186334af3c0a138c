package dev.snapback.handler;

/**
 * The event reached a function none of whose detectors handles it: the EventBridge rule is wider than the detectors.
 * Thrown so the event lands in the dead-letter queue (whose alarm pages) instead of vanishing.
 */
public final class UnhandledEventException extends RuntimeException {
    public UnhandledEventException(String message) {
        super(message);
    }
}
