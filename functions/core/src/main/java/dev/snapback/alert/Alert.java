package dev.snapback.alert;

import java.util.Map;

/**
 * One rendered page: {@code subject} (at most 100 printable ASCII characters, as SNS requires), {@code text} for people (email, the SNS
 * default), {@code json} for machines (queues, HTTPS, Lambda subscribers) and the message {@code attributes}
 * (severity, detector, outcome, account, region) that subscription filter policies match on.
 */
public record Alert(String subject, String text, String json, Map<String, String> attributes) {

    public static final int MAX_SUBJECT = 100;

    public Alert {
        if (subject.length() > MAX_SUBJECT || !subject.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("SNS subjects are at most " + MAX_SUBJECT + " printable ASCII characters: " + subject);
        }
        attributes = Map.copyOf(attributes);
    }
}
