package dev.snapback.handler;

/**
 * Another invocation claimed the same event moments ago and may still be acting on it. This one must not act, but
 * must not drop the event either (the other may die): it fails, and Lambda's retry finds the item done, or the claim
 * stale and takes it over.
 */
public final class ClaimConflictException extends RuntimeException {
    public ClaimConflictException(String message) {
        super(message);
    }
}
