package dev.snapback.infra;

import dev.snapback.model.OwnNames;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
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
    static final int RULE_RETRY_ATTEMPTS = OwnNames.RULE_RETRY_ATTEMPTS;
    static final Duration RULE_MAX_EVENT_AGE = Duration.seconds(OwnNames.RULE_MAX_EVENT_AGE_SECONDS);

    private final Queue queue;
    private final Alarm arrived;

    public DeadLetters(Construct scope, String id, Alerting alerting) {
        super(scope, id);
        queue = Queue.Builder.create(this, "Queue")
                .queueName(OwnNames.DEAD_LETTER_QUEUE)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself the dead-letter queue of the EventBridge targets and Lambda on-failure "
                        + "destinations; a queue behind it would only move the same alarm one hop further.")
                .build()));
        // Each arrival pages: messages sent in a 5-minute period, not messages waiting. A queue-depth alarm would stay
        // in ALARM for the 14 days a message is kept, so a second lost event would not page again. EventBridge and
        // Lambda's on-failure destination both call SendMessage, which this metric counts.
        arrived = alerting.pageWhenAnyOf(this, "MessageArrived", OwnNames.DEAD_LETTERS_ALARM, queue.metricNumberOfMessagesSent(MetricOptions.builder()
                        .period(Duration.minutes(5)).statistic("Sum").build()),
                "Snapback could not handle an event; it was sent to this dead-letter queue and waits there");
    }

    public Queue queue() {
        return queue;
    }

    public Alarm arrived() {
        return arrived;
    }
}
