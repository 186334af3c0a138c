package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Outcome;

/**
 * A proposed fix, as data, and how it is applied. Detectors build these without calling AWS; {@link #apply} runs in
 * the account and region of the event that caused it (IAM through the global endpoint, trails in their home region).
 * Every value names exactly what to change, never "everything that looks similar".
 *
 * <p>Each kind reads the resource's current state first, compares it with what the event left, and changes only what
 * is still offending: a late or repeated event never undoes a newer change ({@link Outcome.Superseded}). Each kind
 * declares, beside its type, the IAM grants its reads and writes need ({@code GRANTS}); the detectors' specs and the
 * stack take them from there.
 */
public sealed interface Remediation permits RevokeIngress, StartLogging, RestoreTrailSettings, RestoreEventSelectors,
        DeactivateAccessKey, DeleteKeyPair, QuarantineUser, ReleaseQuarantine, RestoreQuarantinePolicy, RestoreRule,
        EnableAlarmActions, RemoveZeroConcurrency, ReenableKey, StartConfigRecorder, EnableDetector, ReenableStandards,
        RestorePasswordPolicy, DeactivateUserCredential, RemoveNetworkAclEntry, RestorePublicAccessBlock, RejectVpcPeering,
        RestoreSecureTransportDeny,
        PageOnly, PageOnBurst, Sanctioned {

    /** One line for alerts and replay output, e.g. "revoke sgr-0a1 on sg-0abc". */
    String describe();

    /** How an alert's subject says what this does and did. */
    Verbs verbs();

    /**
     * Reads, compares, and changes only what is still offending. AWS errors may be thrown: the executor turns them
     * into outcomes.
     */
    Outcome apply(AwsClients aws, CloudTrailEvent cause);

    /** {@code todo}: "revoke", {@code done}: "revoked". */
    record Verbs(String todo, String done) {
    }
}
