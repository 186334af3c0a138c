package dev.snapback.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an EventBridge envelope ({@code detail-type} "AWS API Call via CloudTrail") or a bare CloudTrail record (as
 * in CloudTrail's S3 log files) into a {@link CloudTrailEvent}. Anything else fails with
 * {@link MalformedEventException}; a half-filled event is never returned.
 */
public final class EventParser {

    /** The detail-types under which EventBridge delivers CloudTrail records. */
    public static final Set<String> CLOUDTRAIL_DETAIL_TYPES =
            Set.of("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern USER_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:user/(?:[^/]+/)*([\\w+=,.@-]{1,64})");

    private EventParser() {
    }

    public static CloudTrailEvent parse(String json) {
        return parse(readTree(() -> JSON.readTree(json)));
    }

    public static CloudTrailEvent parse(byte[] json) {
        return parse(readTree(() -> JSON.readTree(json)));
    }

    public static CloudTrailEvent parse(InputStream json) {
        return parse(readTree(() -> JSON.readTree(json)));
    }

    private interface TreeReader {
        JsonNode read() throws IOException;
    }

    /** The one way text becomes a tree, so every input form fails with the same message. */
    private static JsonNode readTree(TreeReader reader) {
        try {
            return reader.read();
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("could not read the input: " + e.getMessage(), e);
        }
    }

    /** Accepts an EventBridge envelope or a bare CloudTrail record. */
    public static CloudTrailEvent parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new MalformedEventException("expected a JSON object, got " + kind(node));
        }
        if (node.has("detail-type") || node.has("detail")) {
            return parseEnvelope(node);
        }
        if (node.has("eventVersion") || node.has("eventID")) {
            return parseRecord(node);
        }
        throw new MalformedEventException("neither an EventBridge envelope (detail-type, detail) nor a CloudTrail record (eventVersion, eventID)");
    }

    public static CloudTrailEvent parseEnvelope(JsonNode envelope) {
        String detailType = requiredText(envelope, "detail-type", "");
        if (!CLOUDTRAIL_DETAIL_TYPES.contains(detailType)) {
            throw new MalformedEventException("detail-type '" + detailType + "' is not a CloudTrail event; expected one of " + CLOUDTRAIL_DETAIL_TYPES);
        }
        JsonNode detail = envelope.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new MalformedEventException("detail: expected an object, got " + kind(detail));
        }
        return parseRecord(detail, "detail.");
    }

    public static CloudTrailEvent parseRecord(JsonNode record) {
        if (record == null || !record.isObject()) {
            throw new MalformedEventException("CloudTrail record: expected an object, got " + kind(record));
        }
        return parseRecord(record, "");
    }

    private static CloudTrailEvent parseRecord(JsonNode r, String at) {
        String eventTime = requiredText(r, "eventTime", at);
        return new CloudTrailEvent(
                requiredText(r, "eventID", at),
                instant(eventTime, at),
                requiredText(r, "recipientAccountId", at),
                requiredText(r, "awsRegion", at),
                requiredText(r, "eventSource", at),
                requiredText(r, "eventName", at),
                principal(r.get("userIdentity"), at + "userIdentity"),
                optionalText(r, "sourceIPAddress", at),
                optionalText(r, "userAgent", at),
                optionalText(r, "errorCode", at),
                optionalText(r, "errorMessage", at),
                optionalObject(r, "requestParameters", at),
                optionalObject(r, "responseElements", at),
                r);
    }

    /**
     * CloudTrail writes every {@code eventTime} as {@code yyyy-MM-ddTHH:mm:ssZ}; that form is read directly, since
     * {@link Instant#parse} was a fifth of replay's time per matched record. Any other form goes to {@link Instant#parse},
     * which accepts or rejects it as before.
     */
    private static Instant instant(String eventTime, String at) {
        if (eventTime.length() == 20 && eventTime.charAt(4) == '-' && eventTime.charAt(7) == '-' && eventTime.charAt(10) == 'T'
                && eventTime.charAt(13) == ':' && eventTime.charAt(16) == ':' && eventTime.charAt(19) == 'Z') {
            int year = digits(eventTime, 0, 4);
            int month = digits(eventTime, 5, 2);
            int day = digits(eventTime, 8, 2);
            int hour = digits(eventTime, 11, 2);
            int minute = digits(eventTime, 14, 2);
            int second = digits(eventTime, 17, 2);
            // Out of range, or not digits (-1), falls through to Instant.parse for its own answer and message.
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth()
                    && within(hour, 23) && within(minute, 59) && within(second, 59)) {
                return Instant.ofEpochSecond(LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600 + minute * 60 + second);
            }
        }
        try {
            return Instant.parse(eventTime);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException(at + "eventTime: not an ISO-8601 instant: '" + eventTime + "'", e);
        }
    }

    private static boolean within(int value, int max) {
        return value >= 0 && value <= max;
    }

    /** The decimal number in {@code length} characters from {@code from}; -1 if one of them is not an ASCII digit. */
    private static int digits(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static Principal principal(JsonNode identity, String at) {
        if (identity == null || !identity.isObject()) {
            throw new MalformedEventException(at + ": expected an object, got " + kind(identity));
        }
        String type = requiredText(identity, "type", at + ".");
        String arn = optionalText(identity, "arn", at + ".");
        String accountId = optionalText(identity, "accountId", at + ".");
        String invokedBy = optionalText(identity, "invokedBy", at + ".");
        return switch (type) {
            case "Root" -> new Principal.Root(arn, accountId);
            case "IAMUser" -> {
                String userName = optionalText(identity, "userName", at + ".");
                // A blank userName names nobody, as an absent one: the ARN still says who it was.
                if (userName == null || userName.isBlank()) userName = userFromArn(arn);
                yield userName == null ? new Principal.Unknown(type, arn) : new Principal.IamUser(arn, userName, accountId);
            }
            case "AssumedRole" -> {
                JsonNode issuer = identity.path("sessionContext").path("sessionIssuer");
                String issuerArn = optionalText(issuer, "arn", at + ".sessionContext.sessionIssuer.");
                String sessionName = arn == null ? null : arn.substring(arn.lastIndexOf('/') + 1);
                yield new Principal.AssumedRole(arn, issuerArn, sessionName, accountId, invokedBy);
            }
            case "AWSService" -> new Principal.AwsService(invokedBy);
            case "AWSAccount" -> new Principal.AwsAccount(accountId, optionalText(identity, "principalId", at + "."));
            default -> new Principal.Unknown(type, arn);
        };
    }

    /** The user name of an IAM user ARN ({@code arn:aws:iam::111122223333:user/path/alice}), else {@code null}. */
    private static String userFromArn(String arn) {
        if (arn == null) return null;
        Matcher user = USER_ARN.matcher(arn);
        return user.matches() ? user.group(1) : null;
    }

    private static String requiredText(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedEventException(at + field + ": required field is missing");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new MalformedEventException(at + field + ": expected a non-empty string, got " + kind(value));
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedEventException(at + field + ": expected a string, got " + kind(value));
        }
        return value.asText();
    }

    private static JsonNode optionalObject(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null) {
            return MissingNode.getInstance();
        }
        if (!value.isObject() && !value.isNull()) {
            throw new MalformedEventException(at + field + ": expected an object or null, got " + kind(value));
        }
        return value;
    }

    private static String kind(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase();
    }
}
