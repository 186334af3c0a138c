package dev.snapback.cli;

import java.io.IOException;

/** An input that cannot be read on from {@code position}: bad gzip, truncated or invalid JSON. */
final class BadInputException extends IOException {

    private final String position;

    BadInputException(String problem, String position, Throwable cause) {
        super(problem, cause);
        this.position = position;
    }

    String position() {
        return position;
    }
}
