package dev.snapback.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.EventParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CloudTrail records as other tools export them, read back into CloudTrail's own shape before {@link EventParser}
 * reads them. Only {@code snapback replay} uses this: EventBridge always delivers CloudTrail's own shape.
 *
 * <p>The forms read ({@link Form}): CloudTrail Lake, Athena over the trail bucket and SIEM exports (Panther, Splunk,
 * Elastic) write {@code eventTime} as {@code 2024-11-25 17:51:21.000000000} or {@code 2022-09-27 17:09:18} (UTC), or
 * as epoch milliseconds; Athena's table lower-cases the names of CloudTrail's own fields ({@code useridentity},
 * {@code eventname}) and keeps {@code requestparameters} and {@code responseelements} as JSON strings; Splunk and
 * Elastic flatten nested names ({@code "userIdentity.arn"}). The names inside {@code requestParameters} and
 * {@code responseElements} are the services' own and are never touched. What does not read in any of these forms is
 * left as it is, so the parser rejects it with its usual message.
 */
public final class ExportedForms {

    /** One way an export differs from CloudTrail's shape; {@code description} is what the replay report says. */
    public enum Form {
        SPACED_TIME("eventTime as 'yyyy-MM-dd HH:mm:ss[.fraction]' (UTC)"),
        EPOCH_MILLIS_TIME("eventTime as epoch milliseconds"),
        LOWER_CASE_NAMES("lower-case field names"),
        FLATTENED_NAMES("flattened field names (userIdentity.arn)"),
        JSON_STRING_FIELDS("requestParameters or responseElements as a JSON string");

        private final String description;

        Form(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** The record in CloudTrail's shape, and the forms it was exported in (none for CloudTrail's own). */
    public record Normalized(ObjectNode record, Set<Form> forms) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPACED = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?");
    private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{12,13}");
    private static final List<String> JSON_FIELDS = List.of("requestParameters", "responseElements",
            "additionalEventData", "serviceEventDetails", "resources");
    /** CloudTrail's own names, by where they occur: the record, then the identity and the session inside it. */
    private static final Names RECORD = names("eventVersion", "userIdentity", "eventTime", "eventSource",
            "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
            "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources", "eventType",
            "apiVersion", "managementEvent", "recipientAccountId", "serviceEventDetails", "sharedEventID",
            "vpcEndpointId", "vpcEndpointAccountId", "eventCategory", "addendum", "sessionCredentialFromConsole",
            "edgeDeviceDetails", "tlsDetails", "insightDetails");
    private static final Names IDENTITY = names("type", "principalId", "arn", "accountId", "accessKeyId",
            "userName", "sessionContext", "invokedBy", "identityProvider", "credentialId", "onBehalfOf", "inScopeOf");
    private static final Names SESSION = names("sessionIssuer", "webIdFederationData", "attributes",
            "sourceIdentity", "ec2RoleDelivery", "ec2IssuedInVPC", "assumedRoot");
    private static final Names ISSUER = names("type", "principalId", "arn", "accountId", "userName");
    private static final Names ATTRIBUTES = names("creationDate", "mfaAuthenticated");

    private ExportedForms() {
    }

    /** Rewrites {@code record} in place into CloudTrail's shape and says which exported forms it was in. */
    public static Normalized normalize(ObjectNode record) {
        Set<Form> forms = EnumSet.noneOf(Form.class);
        unflatten(record, forms);
        rename(record, RECORD, forms);
        if (record.get("userIdentity") instanceof ObjectNode identity) {
            rename(identity, IDENTITY, forms);
            if (identity.get("sessionContext") instanceof ObjectNode session) {
                rename(session, SESSION, forms);
                if (session.get("sessionIssuer") instanceof ObjectNode issuer) rename(issuer, ISSUER, forms);
                if (session.get("attributes") instanceof ObjectNode attributes) rename(attributes, ATTRIBUTES, forms);
            }
        }
        for (String field : JSON_FIELDS) {
            if (record.get(field) instanceof JsonNode value && value.isTextual()) {
                JsonNode parsed = parsedOrNull(value.asText());
                if (parsed != null && (parsed.isObject() || parsed.isArray() || parsed.isNull())) {
                    record.set(field, parsed);
                    forms.add(Form.JSON_STRING_FIELDS);
                }
            }
        }
        JsonNode time = record.get("eventTime");
        // Most records are CloudTrail's own ("2026-11-20T09:12:44Z"): told apart by one character, before any pattern.
        String text = time == null ? "" : time.asText();
        if (time != null && time.isTextual() && text.length() > 10 && text.charAt(10) == ' ' && SPACED.matcher(text).matches()) {
            record.put("eventTime", text.replace(' ', 'T') + "Z");
            forms.add(Form.SPACED_TIME);
        } else if ((time != null && time.isIntegralNumber() || !text.isEmpty() && text.indexOf('-') < 0)
                && EPOCH_MILLIS.matcher(text).matches()) {
            record.put("eventTime", Instant.ofEpochMilli(Long.parseLong(text)).toString());
            forms.add(Form.EPOCH_MILLIS_TIME);
        }
        return new Normalized(record, forms);
    }

    /** {@code "userIdentity.sessionContext.sessionIssuer.arn": v} becomes the nested objects it names. */
    private static void unflatten(ObjectNode record, Set<Form> forms) {
        List<String> dotted = null;
        for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.indexOf('.') <= 0) continue;
            if (dotted == null) dotted = new ArrayList<>();
            dotted.add(name);
        }
        if (dotted == null) return;
        for (String name : dotted) {
            String[] path = name.split("\\.");
            ObjectNode parent = record;
            for (int i = 0; i < path.length - 1 && parent != null; i++) {
                JsonNode child = parent.get(path[i]);
                if (child == null || child.isNull()) child = parent.putObject(path[i]);
                parent = child instanceof ObjectNode object ? object : null;
            }
            // A name that runs into a value that is not an object stays as it was: the parser says what is wrong.
            if (parent == null || parent.has(path[path.length - 1])) continue;
            parent.set(path[path.length - 1], record.remove(name));
            forms.add(Form.FLATTENED_NAMES);
        }
    }

    /** Renames fields whose lower-cased name is one of CloudTrail's own, unless that name is there already. */
    private static void rename(ObjectNode node, Names names, Set<Form> forms) {
        Map<String, String> renames = null;
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String name = fields.next();
            if (names.canonical().contains(name)) continue;
            String own = names.byLowerCase().get(name.toLowerCase(Locale.ROOT));
            if (own == null || node.has(own)) continue;
            if (renames == null) renames = new LinkedHashMap<>();
            renames.put(name, own);
        }
        if (renames == null) return;
        renames.forEach((name, own) -> node.set(own, node.remove(name)));
        forms.add(Form.LOWER_CASE_NAMES);
    }

    private static JsonNode parsedOrNull(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** CloudTrail's own names at one level, and each by its lower-cased form. */
    private record Names(Set<String> canonical, Map<String, String> byLowerCase) {
    }

    private static Names names(String... names) {
        Map<String, String> byLowerCase = new HashMap<>();
        for (String name : names) byLowerCase.put(name.toLowerCase(Locale.ROOT), name);
        return new Names(Set.of(names), Map.copyOf(byLowerCase));
    }
}
