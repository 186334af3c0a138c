package dev.snapback.detect;

import dev.snapback.event.Principal;
import java.util.Set;

/**
 * What {@code kms-key-disabled-or-deleted} reads, from keys other detectors read too: who manages keys, and which keys
 * are Snapback's own (those are {@code snapback-tampered}'s, which pages on the break-glass topic).
 *
 * @param managedPrincipals as for {@code unmanaged-key-created} ({@link KeySettings}): their key changes are sanctioned
 * @param snapbackKeyArns   the KMS keys of Snapback's alert topics, as the stack passes them ({@link TamperSettings})
 */
public record KmsKeySettings(Set<String> managedPrincipals, Set<String> snapbackKeyArns) {

    public static final KmsKeySettings DEFAULTS = new KmsKeySettings(Set.of(), Set.of());

    public KmsKeySettings {
        managedPrincipals = new KeySettings(managedPrincipals).managedPrincipals();
        snapbackKeyArns = TamperSettings.keyArns(snapbackKeyArns);
    }

    public boolean isManaged(Principal principal) {
        return KeySettings.lists(managedPrincipals, principal);
    }
}
