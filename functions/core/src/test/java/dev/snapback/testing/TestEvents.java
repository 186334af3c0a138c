package dev.snapback.testing;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Snapback's own real-shaped test events in {@code src/test/resources/test-events/}. */
public final class TestEvents {

    public static final String SG_WORLD_SSH = "AuthorizeSecurityGroupIngress-world-ssh.json";
    public static final String MFA_DEACTIVATED = "DeactivateMFADevice-alice.json";
    public static final String NOT_CLOUDTRAIL = "not-a-cloudtrail-event.json";

    private TestEvents() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = TestEvents.class.getResourceAsStream("/test-events/" + name)) {
            if (in == null) throw new IllegalArgumentException("no test event " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CloudTrailEvent event(String name) {
        return EventParser.parse(bytes(name));
    }
}
