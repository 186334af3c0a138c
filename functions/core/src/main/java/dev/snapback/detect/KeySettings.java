package dev.snapback.detect;

import dev.snapback.event.Principal;
import dev.snapback.event.RoleIdentity;
import dev.snapback.settings.IamArns;
import java.util.Set;

/**
 * The managed path: who may create keys for {@code unmanaged-key-created}, and whose changes to the account's
 * detective controls ({@code config-recorder-stopped}, and through {@link KmsKeySettings} the KMS keys) are sanctioned.
 *
 * @param managedPrincipals identity ARNs (IAM users, roles) on the managed path; a role matches
 *                          its sessions by role identity (account and name, any path), a user its exact ARN
 */
public record KeySettings(Set<String> managedPrincipals) {

    public static final KeySettings DEFAULTS = new KeySettings(Set.of());

    public KeySettings {
        managedPrincipals = IamArns.requireExact("managedPrincipals", managedPrincipals);
    }

    /**
     * Whether {@code principal} is on the managed path: a listed role, in any of the forms CloudTrail names a role
     * ({@link RoleIdentity}), or a listed user or root by its exact ARN.
     */
    public boolean isManaged(Principal principal) {
        return lists(managedPrincipals, principal);
    }

    /** Whether {@code managedPrincipals} (as validated here) lists {@code principal}, as {@link #isManaged} reads it. */
    static boolean lists(Set<String> managedPrincipals, Principal principal) {
        return principal.role().map(role -> IamArns.listsRole(managedPrincipals, role))
                .orElseGet(() -> principal.identityArn() != null && managedPrincipals.contains(principal.identityArn()));
    }
}
