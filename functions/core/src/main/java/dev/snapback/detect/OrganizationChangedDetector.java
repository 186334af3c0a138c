package dev.snapback.detect;

import static java.util.Map.entry;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A change to the AWS Organization: CIS AWS Foundations 4.15. Organizations is where the guardrails above every
 * account live (service control policies, delegated administrators, trusted services), and an account outside it is
 * outside them all. Organizations logs in {@code us-east-1}, as IAM does.
 *
 * <ul>
 *   <li>What weakens the guardrails pages CRITICAL: an account leaving or removed, a policy detached or deleted, a
 *       policy type disabled, a delegated administrator deregistered, a trusted service's access disabled, the
 *       organization deleted.</li>
 *   <li>Every other change CIS 4.15 names pages HIGH: accounts created, invited or moved, handshakes, policies
 *       created, changed or attached, policy types enabled, organizational units created, renamed or deleted.</li>
 * </ul>
 *
 * <p>Never remediated: the organization is its administrators' to change, and the event rarely holds the state before
 * it. Where one call would undo a change, the page names it. Changes by a managed principal ({@code managedPrincipals},
 * for example the account-vending pipeline) are sanctioned.
 */
public record OrganizationChangedDetector(KeySettings settings) implements Detector {

    /** Each change: how grave it is, what it did, and which request field names its resource (and of what type). */
    private record Change(Severity severity, String did, String type, String idField) {
    }

    private static final String ACCOUNT = "AWS::Organizations::Account";
    private static final String POLICY = "AWS::Organizations::Policy";
    private static final String UNIT = "AWS::Organizations::OrganizationalUnit";
    private static final String ORGANIZATION = "AWS::Organizations::Organization";

    private static final Map<String, Change> CHANGES = Map.ofEntries(
            entry("LeaveOrganization", new Change(Severity.CRITICAL, "left the organization", ACCOUNT, null)),
            entry("RemoveAccountFromOrganization", new Change(Severity.CRITICAL, "removed from the organization", ACCOUNT, "accountId")),
            entry("DetachPolicy", new Change(Severity.CRITICAL, "detached", POLICY, "policyId")),
            entry("DeletePolicy", new Change(Severity.CRITICAL, "deleted", POLICY, "policyId")),
            entry("DisablePolicyType", new Change(Severity.CRITICAL, "policy type disabled", ORGANIZATION, "rootId")),
            entry("DeregisterDelegatedAdministrator", new Change(Severity.CRITICAL, "deregistered as delegated administrator",
                    ACCOUNT, "accountId")),
            entry("DisableAWSServiceAccess", new Change(Severity.CRITICAL, "trusted service access disabled", ORGANIZATION, null)),
            entry("DeleteOrganization", new Change(Severity.CRITICAL, "deleted", ORGANIZATION, null)),
            entry("CreateAccount", new Change(Severity.HIGH, "account created", ORGANIZATION, null)),
            entry("InviteAccountToOrganization", new Change(Severity.HIGH, "account invited", ORGANIZATION, null)),
            entry("AcceptHandshake", new Change(Severity.HIGH, "handshake accepted", ORGANIZATION, null)),
            entry("DeclineHandshake", new Change(Severity.HIGH, "handshake declined", ORGANIZATION, null)),
            entry("MoveAccount", new Change(Severity.HIGH, "moved", ACCOUNT, "accountId")),
            entry("CreatePolicy", new Change(Severity.HIGH, "policy created", ORGANIZATION, null)),
            entry("UpdatePolicy", new Change(Severity.HIGH, "changed", POLICY, "policyId")),
            entry("AttachPolicy", new Change(Severity.HIGH, "attached", POLICY, "policyId")),
            entry("EnablePolicyType", new Change(Severity.HIGH, "policy type enabled", ORGANIZATION, "rootId")),
            entry("CreateOrganizationalUnit", new Change(Severity.HIGH, "organizational unit created", ORGANIZATION, null)),
            entry("UpdateOrganizationalUnit", new Change(Severity.HIGH, "renamed", UNIT, "organizationalUnitId")),
            entry("DeleteOrganizationalUnit", new Change(Severity.HIGH, "deleted", UNIT, "organizationalUnitId")));

    /** The request fields an alert shows, in this order; a policy's content is left out (it is long, and in the record). */
    private static final List<String> SHOWN = List.of("accountId", "policyId", "targetId", "policyType", "servicePrincipal",
            "sourceParentId", "destinationParentId", "parentId", "organizationalUnitId", "name", "accountName", "handshakeId");

    public static final DetectorSpec SPEC = new DetectorSpec(
            "organization-changed",
            "AWS Organization changed",
            Family.DETECTIVE,
            Severity.CRITICAL,
            Mode.PAGE,
            List.of(EventPattern.apiCalls("organizations", CHANGES.keySet().stream().sorted().toArray(String[]::new))),
            List.of());

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        Change change = event.service().equals("organizations") ? CHANGES.get(event.eventName()) : null;
        if (change == null) return Verdict.clean(event.eventName() + " is not an Organizations change CIS 4.15 names");
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        String named = change.idField() == null ? null : Fields.text(event.request(), change.idField());
        // LeaveOrganization is called by the account that leaves: the event's own account.
        String id = named != null ? named : change.type().equals(ACCOUNT) ? event.account() : "organization of " + event.account();
        String subject = switch (change.type()) {
            case ACCOUNT -> "account " + id;
            case POLICY -> "policy " + id;
            case UNIT -> "organizational unit " + id;
            default -> "organization";
        };
        String[] facts = SHOWN.stream().flatMap(field -> Stream.of(field,
                Fields.text(event.request(), field))).toArray(String[]::new);
        return Verdict.flagged(new Finding(SPEC.id(), change.severity(), "Organizations: " + subject + " " + change.did()
                + " (" + event.eventName() + ")", new ResourceRef(change.type(), id), new PageOnly(reason(event)),
                Facts.of(event, facts), event));
    }

    /** Why nothing is undone, and where one call would undo it, that call. */
    private static String reason(CloudTrailEvent event) {
        String policy = Fields.text(event.request(), "policyId");
        String target = Fields.text(event.request(), "targetId");
        String undo = event.eventName().equals("DetachPolicy") && policy != null && target != null
                ? "; if it was not sanctioned, attach it again: aws organizations attach-policy --policy-id " + policy
                + " --target-id " + target : "";
        return "the organization is its administrators' to change, so Snapback does not undo it: confirm who made"
                + " this change and why" + undo;
    }
}
