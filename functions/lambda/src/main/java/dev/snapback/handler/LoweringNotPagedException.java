package dev.snapback.handler;

/** A lowered mode had to be paged and the page could not be sent: the invocation fails rather than go on silently. */
final class LoweringNotPagedException extends RuntimeException {

    LoweringNotPagedException(String message, Throwable cause) {
        super(message, cause);
    }
}
