package dev.snapback.detect;

import dev.snapback.event.Principal;
import dev.snapback.model.InvalidConfigException;
import java.util.Set;

/**
 * What {@code network-edge-changed} treats as sanctioned.
 *
 * @param managedPrincipals   as for {@code unmanaged-key-created} ({@link KeySettings}), which validates it: the
 *                            pipelines whose network changes are sanctioned
 * @param trustedPeerAccounts the accounts a VPC may peer with, besides its own (default none)
 */
public record NetworkEdgeSettings(Set<String> managedPrincipals, Set<String> trustedPeerAccounts) {

    public static final NetworkEdgeSettings DEFAULTS = new NetworkEdgeSettings(Set.of(), Set.of());

    public NetworkEdgeSettings {
        managedPrincipals = new KeySettings(managedPrincipals).managedPrincipals();
        trustedPeerAccounts = Set.copyOf(trustedPeerAccounts);
        for (String account : trustedPeerAccounts) {
            if (!account.matches("\\d{12}")) {
                throw new InvalidConfigException("trustedPeerAccounts", "not a 12-digit account id: " + account);
            }
        }
    }

    public boolean isManaged(Principal principal) {
        return KeySettings.lists(managedPrincipals, principal);
    }

    /** The event's own account, or one of the configured peers. */
    public boolean isTrustedPeer(String account, String ownAccount) {
        return account.equals(ownAccount) || trustedPeerAccounts.contains(account);
    }
}
