package dev.snapback.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.config.FunctionEnvironment;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.Mode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.lambda.powertools.parameters.cache.CacheManager;
import software.amazon.lambda.powertools.parameters.ssm.SSMProvider;

/**
 * Run-time mode overrides from an SSM parameter whose value is {@code {"security-group-opened": "page", ...}}, so
 * operators can switch a detector to page-only without a redeploy. Read through Powertools parameters with a cache
 * ({@link #CACHE}), so SSM sees at most one {@code GetParameter} per container per minute.
 */
public final class ModeOverrides {

    public static final Duration CACHE = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SSMProvider ssm;
    private final String parameterName;

    public ModeOverrides(SsmClient client, String parameterName) {
        CacheManager cache = new CacheManager();
        cache.setDefaultExpirationTime(CACHE);
        this.ssm = SSMProvider.builder().withClient(client).withCacheManager(cache).build();
        this.parameterName = parameterName;
    }

    public String parameterName() {
        return parameterName;
    }

    /**
     * The overrides, keyed by detector id. Throws {@link InvalidConfigException} when the value is not a JSON object
     * of modes, and the SDK's exception when the parameter cannot be read; the caller keeps the deployed modes.
     */
    public Map<String, Mode> read() {
        return parse(ssm.get(parameterName));
    }

    static Map<String, Mode> parse(String value) {
        String field = "(" + FunctionEnvironment.MODES_PARAMETER + ")";
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(field, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new InvalidConfigException(field, "expected a JSON object of detector id to mode");
        Map<String, Mode> modes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new InvalidConfigException("modes." + entry.getKey(), "expected a mode name");
            }
            modes.put(entry.getKey(), Mode.parse(entry.getValue().asText(), "modes." + entry.getKey()));
        }
        return modes;
    }
}
