package dev.snapback.settings;

import dev.snapback.event.RoleIdentity;
import dev.snapback.model.InvalidConfigException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The IAM ARNs that settings list: exact ones only, and roles matched by identity, never by prefix. */
public final class IamArns {

    private IamArns() {
    }

    public static Set<String> requireExact(String field, Set<String> arns) {
        for (String arn : arns) {
            if (!arn.matches("arn:aws[a-z-]*:(iam|sts)::\\d{12}:[^*?\\s]+")) {
                throw new InvalidConfigException(field, "not an exact IAM ARN (no wildcards): " + arn);
            }
        }
        return Set.copyOf(arns);
    }

    /**
     * The configured ARNs, each read once: asked for every event, and a configuration lists few. Only settings' ARNs
     * come here, never an event's, so this stays as small as the configuration.
     */
    private static final Map<String, Optional<RoleIdentity>> CONFIGURED = new ConcurrentHashMap<>();

    /** Whether one of {@code arns} is the role {@code role}, in any of the forms CloudTrail names it. */
    public static boolean listsRole(Set<String> arns, RoleIdentity role) {
        for (String arn : arns) {
            if (CONFIGURED.computeIfAbsent(arn, RoleIdentity::ofRoleArn).filter(role::equals).isPresent()) return true;
        }
        return false;
    }
}
