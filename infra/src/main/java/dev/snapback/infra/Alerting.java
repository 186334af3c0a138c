package dev.snapback.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * An alert topic: encrypted with its own KMS key, refusing publishes without TLS, open to this account's CloudWatch
 * alarms, with the configured email addresses subscribed. The key's policy names who may use it (CloudWatch for this
 * account's alarms, and each publisher's role); the account administers it but, through IAM, cannot use it.
 */
public final class Alerting extends Construct {

    /** What a publisher needs on the topic's key (SNS encrypts each message with a data key). */
    static final List<String> KEY_ACTIONS = List.of("kms:Decrypt", "kms:GenerateDataKey");

    private final Key key;
    private final Topic topic;

    public Alerting(Construct scope, String id, String topicName, List<String> emails) {
        super(scope, id);
        Stack stack = Stack.of(this);
        key = Key.Builder.create(this, "Key")
                .description("Encrypts Snapback alerts on " + topicName)
                // In place of CDK's default kms:* for the account: administration only, use granted by name below.
                .policy(new PolicyDocument())
                .admins(List.of(new AccountRootPrincipal()))
                .enableKeyRotation(true)
                // Only messages in flight are encrypted with it: nothing to keep once the topic is gone.
                .removalPolicy(RemovalPolicy.DESTROY)
                .pendingWindow(Duration.days(7))
                .build();
        ServicePrincipal cloudWatch = new ServicePrincipal("cloudwatch.amazonaws.com");
        // Only this account's alarms may use the key, as the topic policy below says for publishing.
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .principals(List.of(cloudWatch))
                .actions(KEY_ACTIONS)
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", stack.getAccount())))
                .build());
        topic = Topic.Builder.create(this, "Topic")
                .topicName(topicName)
                .displayName("Snapback")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        topic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .effect(Effect.ALLOW)
                .principals(List.of(cloudWatch))
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(Map.of(
                        "ArnLike", Map.of("aws:SourceArn",
                                "arn:" + stack.getPartition() + ":cloudwatch:" + stack.getRegion() + ":"
                                        + stack.getAccount() + ":alarm:*"),
                        "StringEquals", Map.of("aws:SourceAccount", stack.getAccount())))
                .build());
        emails.forEach(email -> topic.addSubscription(new EmailSubscription(email)));
    }

    public Key key() {
        return key;
    }

    public Topic topic() {
        return topic;
    }

    /** Lets {@code publisher} encrypt messages to this topic with its key (the role also needs its own IAM grant). */
    public void allowPublisher(IRole publisher) {
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("Publish" + publisher.getNode().getPath().replaceAll("[^A-Za-z0-9]", ""))
                .principals(List.of(publisher))
                .actions(KEY_ACTIONS)
                .resources(List.of("*"))
                .build());
    }

    /** Adds this topic to {@code alarm}'s actions: the second channel pages what must not depend on the first. */
    public void alsoPages(Alarm alarm) {
        alarm.addAlarmAction(new SnsAction(topic));
    }

    /** An alarm named {@code name}, owned by {@code scope}, that pages through this topic as soon as {@code metric} reaches 1. */
    public Alarm pageWhenAnyOf(Construct scope, String id, String name, IMetric metric, String description) {
        Alarm alarm = Alarm.Builder.create(scope, id)
                .alarmName(name)
                .metric(metric)
                .alarmDescription(description)
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(topic));
        return alarm;
    }
}
