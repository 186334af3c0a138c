package dev.snapback.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Where events go that could not be handled: EventBridge deliveries that ran out of retries and (in the home stack)
 * invocations whose handler failed every attempt. A message here is an event nobody acted on, so it pages.
 */
public final class DeadLetters extends Construct {

    /** Retries within a day, as EventBridge allows at most; then the event waits here for two weeks. */
    static final int RULE_RETRY_ATTEMPTS = 185;
    static final Duration RULE_MAX_EVENT_AGE = Duration.hours(24);

    private final Queue queue;

    public DeadLetters(Construct scope, String id, Alerting alerting) {
        super(scope, id);
        queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of the EventBridge targets and Lambda on-failure "
                        + "destinations; a queue behind it would only move the same alarm one hop further.")
                .build()));
        alerting.pageWhenAnyOf(this, "NotEmpty", queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .period(Duration.minutes(5)).statistic("Maximum").build()),
                "Snapback could not handle an event; it waits in this dead-letter queue");
    }

    public Queue queue() {
        return queue;
    }
}
