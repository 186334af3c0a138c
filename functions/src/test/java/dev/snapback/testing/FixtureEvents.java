package dev.snapback.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import java.nio.file.Files;
import java.util.function.Consumer;

/** Events made from a real-shaped fixture with one deliberate change, for the edge cases between fixtures. */
public final class FixtureEvents {

    private FixtureEvents() {
    }

    /**
     * The fixture {@code events/<relative>.json}, its CloudTrail record ({@code detail}) edited in place first.
     * Example: {@code edited("trail-tampered/finding/StopLogging-by-name", d -> d.put("awsRegion", "cn-north-1"))}.
     */
    public static CloudTrailEvent edited(String relative, Consumer<ObjectNode> detailEdit) {
        var path = Fixtures.eventsDir().resolve(relative + ".json");
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException("no fixture " + path);
        Fixture fixture = Fixture.of(Fixtures.eventsDir(), path);
        ObjectNode envelope = (ObjectNode) fixture.json();
        detailEdit.accept((ObjectNode) envelope.get("detail"));
        return EventParser.parse(envelope);
    }
}
