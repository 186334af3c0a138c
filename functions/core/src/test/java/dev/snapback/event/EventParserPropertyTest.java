package dev.snapback.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.snapback.testing.DamagedFixtures;
import dev.snapback.testing.DamagedFixtures.Damaged;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The parser on damaged fixtures: it returns a complete event or throws {@link MalformedEventException} with a
 * message, and nothing else ever escapes.
 */
class EventParserPropertyTest {

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
