package dev.snapback.remediate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** {@link ConfigService} over AWS Config's own {@code awsJson1_1} protocol ({@link JsonProtocolClient}). */
final class JsonConfigService implements ConfigService {

    static final JsonProtocolClient.Service SERVICE = new JsonProtocolClient.Service("Config Service", "config", "config",
            new JsonProtocolClient.Protocol.AwsJson("StarlingDoveService"));

    private final JsonProtocolClient client;

    JsonConfigService(JsonProtocolClient client) {
        this.client = client;
    }

    @Override
    public Optional<RecorderStatus> recorderStatus(String name) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.putArray("ConfigurationRecorderNames").add(name);
        JsonNode answer;
        try {
            answer = client.call(JsonProtocolClient.Operation.rpc("DescribeConfigurationRecorderStatus"), request);
        } catch (AwsServiceException e) {
            if ("NoSuchConfigurationRecorderException".equals(AwsErrors.code(e))) return Optional.empty();
            throw e;
        }
        for (JsonNode status : answer.path("ConfigurationRecordersStatus")) {
            if (name.equals(status.path("name").asText())) {
                JsonNode stopped = status.path("lastStopTime");
                return Optional.of(new RecorderStatus(name, status.path("recording").asBoolean(false),
                        stopped.isNumber() ? epochSeconds(stopped) : null));
            }
        }
        return Optional.empty();
    }

    @Override
    public void startRecorder(String name) {
        client.call(JsonProtocolClient.Operation.rpc("StartConfigurationRecorder"),
                JsonNodeFactory.instance.objectNode().put("ConfigurationRecorderName", name));
    }

    /** The JSON protocols send timestamps as epoch seconds, with a fraction. */
    private static Instant epochSeconds(JsonNode seconds) {
        return Instant.ofEpochMilli(seconds.decimalValue().movePointRight(3).longValue());
    }
}
