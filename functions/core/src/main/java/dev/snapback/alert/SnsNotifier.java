package dev.snapback.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes an {@link Alert} to the alert topic with {@code MessageStructure=json}: {@code default} (what email, SMS
 * and every protocol not named get) is the text; SQS, HTTPS and Lambda subscribers get the JSON. Message attributes
 * let subscriptions filter. SNS takes at most 256 KB per message: an alert that would not fit within
 * {@link #MESSAGE_BUDGET} has the decision JSON at the end of its text cut, and machines get the decision's outline
 * instead when the JSON alone is too big; the full record is always in the audit table.
 */
public final class SnsNotifier {

    /** Bytes of the message; the rest of SNS's 256 KB is ample for the subject and attributes. */
    public static final int MESSAGE_BUDGET = 240 * 1024;
    static final String TRUNCATED = "\n[... cut to fit SNS's 256 KB limit: the full record is in the Snapback audit"
            + " table, under the CloudTrail event id and detector above.]\n";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String topicArn;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    public String topicArn() {
        return topicArn;
    }

    /** Publishes and returns the SNS message id. */
    public String publish(Alert alert) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        alert.attributes().forEach((name, value) ->
                attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return sns.publish(r -> r.topicArn(topicArn)
                .subject(alert.subject())
                .messageStructure("json")
                .message(message(alert))
                .messageAttributes(attributes)).messageId();
    }

    /** The per-protocol message, within {@link #MESSAGE_BUDGET}. */
    static String message(Alert alert) {
        String json = alert.json();
        if (bytes(message("", json)) > MESSAGE_BUDGET / 2) json = outline(json);
        String text = alert.text();
        int overflow = bytes(message(text, json)) - MESSAGE_BUDGET;
        int keep = text.length();
        while (overflow > 0 && keep > 0) {
            // Every character is at least one byte, so cutting `overflow` more characters always makes progress.
            keep = Math.max(0, keep - overflow - TRUNCATED.length());
            if (keep > 0 && Character.isHighSurrogate(alert.text().charAt(keep - 1))) keep--;
            text = alert.text().substring(0, keep) + TRUNCATED;
            overflow = bytes(message(text, json)) - MESSAGE_BUDGET;
        }
        return message(text, json);
    }

    private static String message(String text, String json) {
        Map<String, String> perProtocol = new LinkedHashMap<>();
        perProtocol.put("default", text);
        perProtocol.put("sqs", json);
        perProtocol.put("https", json);
        perProtocol.put("lambda", json);
        return JSON.valueToTree(perProtocol).toString();
    }

    /** The decision without its bulky parts (context, remediation and outcome details), flagged as truncated. */
    private static String outline(String json) {
        try {
            ObjectNode outline = (ObjectNode) JSON.readTree(json);
            outline.remove("context");
            for (String part : new String[] {"remediation", "outcome"}) {
                JsonNode type = outline.path(part).path("type");
                if (!type.isMissingNode()) outline.putObject(part).set("type", type);
            }
            outline.put("truncated", TRUNCATED.strip());
            return outline.toString();
        } catch (Exception e) {
            throw new IllegalStateException("an alert's JSON is always an object", e);
        }
    }

    private static int bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
