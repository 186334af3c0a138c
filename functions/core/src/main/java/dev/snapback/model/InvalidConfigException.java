package dev.snapback.model;

/** A configuration value that Snapback refuses to run with. The message starts with the field's name. */
public final class InvalidConfigException extends RuntimeException {
    private final String field;

    public InvalidConfigException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
