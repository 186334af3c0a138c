package dev.snapback.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/** A fixture from {@code events/} with its CloudTrail record edited, for edge cases next to a real shape. */
public final class EditedFixture {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EditedFixture() {
    }

    /** The fixture's envelope, a fresh copy; {@code path} is relative to {@code events/}. */
    public static ObjectNode envelope(String path) {
        try {
            return (ObjectNode) JSON.readTree(Fixtures.eventsDir().resolve(path).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's envelope with its {@code detail} edited. */
    public static ObjectNode envelope(String path, Consumer<ObjectNode> editDetail) {
        ObjectNode envelope = envelope(path);
        editDetail.accept((ObjectNode) envelope.get("detail"));
        return envelope;
    }

    public static CloudTrailEvent event(String path, Consumer<ObjectNode> editDetail) {
        return EventParser.parse(envelope(path, editDetail));
    }

    public static CloudTrailEvent event(String path) {
        return event(path, detail -> { });
    }
}
