package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import java.util.Objects;

/** What a KMS call's record says of its key, for the detectors that watch keys (customer keys and Snapback's own). */
final class KmsKeys {

    private KmsKeys() {
    }

    /** The days before the key is deleted; KMS waits 30 when the request names none. */
    static int pendingWindowDays(CloudTrailEvent event) {
        return Objects.requireNonNullElse(Fields.integer(event.request(), "pendingWindowInDays"), 30);
    }

    /** The key id at the end of a key ARN, as a title names the key. */
    static String keyId(String keyArn) {
        return keyArn.substring(keyArn.lastIndexOf('/') + 1);
    }

    /** The key's ARN: from the record's resources, or the request's keyId when that is an ARN or a bare key id. */
    static String keyArn(CloudTrailEvent event) {
        for (JsonNode resource : Fields.items(event.record().path("resources"))) {
            String arn = Fields.text(resource, "ARN");
            if (arn != null && arn.contains(":key/")) return arn;
        }
        String keyId = Fields.text(event.request(), "keyId");
        if (keyId == null || keyId.startsWith("alias/") || keyId.contains(":alias/")) return null;
        return keyId.startsWith("arn:") ? keyId
                : "arn:" + event.partition() + ":kms:" + event.region() + ":" + event.account() + ":key/" + keyId;
    }
}
