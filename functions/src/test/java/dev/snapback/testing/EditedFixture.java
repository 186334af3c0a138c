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

    /** {@code path} is relative to {@code events/}, e.g. {@code mfa-deactivated/finding/X.json}. */
    public static CloudTrailEvent event(String path, Consumer<ObjectNode> editDetail) {
        try {
            ObjectNode envelope = (ObjectNode) JSON.readTree(Fixtures.eventsDir().resolve(path).toFile());
            editDetail.accept((ObjectNode) envelope.get("detail"));
            return EventParser.parse(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CloudTrailEvent event(String path) {
        return event(path, detail -> { });
    }
}
