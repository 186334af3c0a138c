package dev.snapback.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes an {@link Alert} to the alert topic with {@code MessageStructure=json}: email (and anything else) gets
 * the text, SQS, HTTPS and Lambda subscribers get the JSON. Message attributes let subscriptions filter.
 */
public final class SnsNotifier {

    /** Environment variable holding the topic ARN. */
    public static final String TOPIC_VARIABLE = "SNAPBACK_ALERT_TOPIC_ARN";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String topicArn;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /** Publishes and returns the SNS message id. */
    public String publish(Alert alert) {
        Map<String, String> perProtocol = new LinkedHashMap<>();
        perProtocol.put("default", alert.text());
        perProtocol.put("email", alert.text());
        perProtocol.put("sqs", alert.json());
        perProtocol.put("https", alert.json());
        perProtocol.put("lambda", alert.json());
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        alert.attributes().forEach((name, value) ->
                attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return sns.publish(r -> r.topicArn(topicArn)
                .subject(alert.subject())
                .messageStructure("json")
                .message(JSON.valueToTree(perProtocol).toString())
                .messageAttributes(attributes)).messageId();
    }
}
