package dev.snapback.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.testing.DamagedFixtures;
import dev.snapback.testing.DamagedFixtures.Damaged;
import dev.snapback.testing.EditedFixture;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The parser on damaged fixtures: it returns a complete event or throws {@link MalformedEventException} with a
 * message, and nothing else ever escapes.
 */
class EventParserPropertyTest {

    private static final String RECORD = "unmanaged-key-created/finding/CreateAccessKey-iam-user-for-other-user.json";

    @Property(tries = 1000)
    void truncatedInputIsMalformedNeverAnotherFailure(@ForAll("truncated") Damaged input) {
        outcome(input.bytes());
    }

    @Property(tries = 1000)
    void mutatedInputParsesCompletelyOrIsMalformed(@ForAll("mutated") Damaged input) {
        String outcome = outcome(input.bytes());
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(check -> {
            check.check("parsed").percentage(p -> p > 20);
            check.check("malformed").percentage(p -> p > 5);
        });
    }

    /**
     * CloudTrail's own {@code yyyy-MM-ddTHH:mm:ssZ} is read without {@link Instant#parse}: on every string of that
     * shape, including days, hours and seconds out of range (a leap second, 30 February), the event's time or the
     * rejection is what {@link Instant#parse} says.
     */
    @Property(tries = 3000)
    void eventTimeReadsAsInstantParseReadsIt(@ForAll("cloudTrailShapedTimes") String eventTime) {
        ObjectNode record = (ObjectNode) EditedFixture.envelope(RECORD).get("detail");
        record.put("eventTime", eventTime);
        Statistics.label("time").coverage(check -> check.check("read").percentage(p -> p > 20));
        Instant expected;
        try {
            expected = Instant.parse(eventTime);
        } catch (DateTimeParseException e) {
            Statistics.label("time").collect("rejected");
            assertThatThrownBy(() -> EventParser.parseRecord(record)).isInstanceOf(MalformedEventException.class)
                    .hasMessage("eventTime: not an ISO-8601 instant: '" + eventTime + "'");
            return;
        }
        Statistics.label("time").collect("read");
        assertThat(EventParser.parseRecord(record).time()).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> cloudTrailShapedTimes() {
        Arbitrary<String> year = Arbitraries.oneOf(Arbitraries.integers().between(1970, 2100).map(y -> String.format("%04d", y)),
                Arbitraries.of("0000", "2024", "2100", "9999", "20x4"));
        return Combinators.combine(year, field(13), field(32), field(24), field(60), field(61))
                .as((y, month, day, hour, minute, second) -> y + "-" + month + "-" + day + "T" + hour + ":" + minute + ":" + second + "Z");
    }

    /** Two characters: mostly a number up to {@code edge} (one past the range, or more), sometimes any, or not digits. */
    private static Arbitrary<String> field(int edge) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, edge).map(n -> String.format("%02d", n))),
                Tuple.of(1, Arbitraries.integers().between(0, 99).map(n -> String.format("%02d", n))),
                Tuple.of(1, Arbitraries.of("1a", " 1", "-1", "١٢")));
    }

    /** "parsed" or "malformed"; any other exception fails the property. */
    private static String outcome(byte[] json) {
        try {
            CloudTrailEvent event = EventParser.parse(json);
            // The record's constructor rejects missing required fields, so a parsed event is complete.
            assertThat(event.eventName()).isNotBlank();
            return "parsed";
        } catch (MalformedEventException e) {
            assertThat(e.getMessage()).isNotBlank();
            return "malformed";
        }
    }

    @Provide
    Arbitrary<Damaged> truncated() {
        return DamagedFixtures.truncated();
    }

    @Provide
    Arbitrary<Damaged> mutated() {
        return DamagedFixtures.mutated();
    }
}
