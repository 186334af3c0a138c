package dev.snapback.remediate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.snapback.remediate.JsonProtocolClient.Operation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpMethod;

/** {@link GuardDutyService} over GuardDuty's own {@code restJson1} protocol ({@link JsonProtocolClient}). */
final class JsonGuardDutyService implements GuardDutyService {

    static final JsonProtocolClient.Service SERVICE = new JsonProtocolClient.Service("GuardDuty", "guardduty", "guardduty",
            new JsonProtocolClient.Protocol.RestJson());

    private final JsonProtocolClient client;

    JsonGuardDutyService(JsonProtocolClient client) {
        this.client = client;
    }

    @Override
    public Optional<DetectorStatus> detector(String detectorId) {
        JsonNode detector;
        try {
            detector = client.call(new Operation("GetDetector", SdkHttpMethod.GET, path(detectorId)), null);
        } catch (AwsServiceException e) {
            // GuardDuty's answer for a detector id the account does not (or no longer) have.
            if ("BadRequestException".equals(AwsErrors.code(e)) && String.valueOf(e.awsErrorDetails().errorMessage())
                    .contains("not owned by the current account")) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new DetectorStatus(detectorId, "ENABLED".equals(detector.path("status").asText()),
                instant(detector.path("updatedAt").asText(null))));
    }

    @Override
    public void enableDetector(String detectorId) {
        client.call(new Operation("UpdateDetector", SdkHttpMethod.POST, path(detectorId)),
                JsonNodeFactory.instance.objectNode().put("enable", true));
    }

    private static String path(String detectorId) {
        return "/detector/" + Operation.label(detectorId);
    }

    /** GuardDuty sends its times as ISO-8601 strings; one that does not parse is read as unknown. */
    private static Instant instant(String text) {
        if (text == null) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
