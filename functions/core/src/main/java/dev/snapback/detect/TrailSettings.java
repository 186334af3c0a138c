package dev.snapback.detect;

import dev.snapback.model.InvalidConfigException;
import java.util.Map;

/**
 * What {@code trail-tampered} restores.
 *
 * @param trailKmsKeys trail ARN to its expected KMS key ARN, so dropped encryption can be restored
 */
public record TrailSettings(Map<String, String> trailKmsKeys) {

    public static final TrailSettings DEFAULTS = new TrailSettings(Map.of());

    public TrailSettings {
        trailKmsKeys = Map.copyOf(trailKmsKeys);
        trailKmsKeys.forEach((trail, key) -> {
            if (!trail.startsWith("arn:")) throw new InvalidConfigException("trailKmsKeys", "key must be a trail ARN: " + trail);
            if (!key.startsWith("arn:")) throw new InvalidConfigException("trailKmsKeys." + trail, "must be a KMS key ARN: " + key);
        });
    }
}
