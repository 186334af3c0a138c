package dev.snapback.cli;

import dev.snapback.remediate.RemediationExecutor;

/**
 * Who {@code replay --apply} acts as: the account the credentials belong to (as STS names it) and the executor that
 * signs with those same credentials. Remediations are applied only to events of that account.
 */
record Caller(String account, RemediationExecutor executor) {
}
