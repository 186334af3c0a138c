package dev.snapback.remediate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How an invocation's time is split: acting, the reserve for reporting that it ran out, and a margin for the runtime. */
class CallBudgetTest {

    @Test
    void aSixtySecondInvocationKeepsTenSecondsToReportAndTwoForTheRuntime() {
        assertThat(CallBudget.reserve(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(10));
        assertThat(CallBudget.safety(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aShortInvocationKeepsAFifthAndATwentieth() {
        assertThat(CallBudget.reserve(Duration.ofSeconds(8))).isEqualTo(Duration.ofMillis(1600));
        assertThat(CallBudget.safety(Duration.ofSeconds(8))).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void timeIsUpOnlyOnceTheActingPartIsSpent() {
        CallBudget budget = new CallBudget(Clock.systemUTC());
        assertThat(budget.actingTimeIsUp()).as("outside an invocation there is no deadline").isFalse();

        budget.start(Duration.ofSeconds(60));
        assertThat(budget.actingTimeIsUp()).isFalse();

        budget.start(Duration.ZERO);
        assertThat(budget.actingTimeIsUp()).isTrue();

        budget.unbounded();
        assertThat(budget.actingTimeIsUp()).isFalse();
    }
}
