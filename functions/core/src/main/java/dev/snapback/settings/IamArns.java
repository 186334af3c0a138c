package dev.snapback.settings;

import dev.snapback.event.RoleIdentity;
import dev.snapback.model.InvalidConfigException;
import java.util.Set;

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

    /** Whether one of {@code arns} is the role {@code role}, in any of the forms CloudTrail names it. */
    public static boolean listsRole(Set<String> arns, RoleIdentity role) {
        return arns.stream().anyMatch(arn -> RoleIdentity.ofRoleArn(arn).filter(role::equals).isPresent());
    }
}
