package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.event.Principal;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.DeactivateAccessKey;
import dev.snapback.remediate.DeleteKeyPair;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.Remediation;
import java.util.List;

/**
 * IAM access keys and EC2 key pairs created (or re-activated) outside the managed path; root keys always page.
 *
 * <p>"Managed" means the caller's identity ARN (for an assumed role, the role's) is exactly one of the configured
 * managed principals. The key to deactivate and its owner come from the event alone, never from a guess: an access
 * key's owner is the response's {@code accessKey.userName}, not the caller. Key material never leaves the event.
 */
public record UnmanagedKeyCreatedDetector(KeySettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "unmanaged-key-created",
            "Unmanaged key created",
            Family.KEYS,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("iam", "CreateAccessKey", "UpdateAccessKey"),
                    EventPattern.apiCalls("ec2", "CreateKeyPair", "ImportKeyPair")),
            IamGrant.allOf(DeactivateAccessKey.GRANTS, DeleteKeyPair.GRANTS));

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        return switch (event.eventName()) {
            case "CreateAccessKey" -> accessKeyCreated(event);
            case "UpdateAccessKey" -> accessKeyUpdated(event);
            case "CreateKeyPair", "ImportKeyPair" -> keyPairAdded(event);
            default -> Verdict.clean(event.eventName() + " creates no key");
        };
    }

    private Verdict accessKeyCreated(CloudTrailEvent event) {
        String requestedUser = Fields.text(event.request(), "userName");
        String keyId = Fields.text(event.response(), "accessKey", "accessKeyId");
        if (ownRootKey(event, requestedUser)) {
            return Verdict.flagged(rootKeyFinding(event, "root access key created", keyId));
        }
        if (isManaged(event)) return managed(event);
        String owner = Fields.text(event.response(), "accessKey", "userName");
        String missing = keyId == null ? "responseElements.accessKey.accessKeyId"
                : owner == null ? "responseElements.accessKey.userName" : null;
        if (missing != null) {
            return pageAboutAccessKey(event, "access key created", owner, keyId,
                    "the event has no " + missing + ", so the new key cannot be named exactly");
        }
        if (requestedUser != null && !requestedUser.equals(owner)) {
            return pageAboutAccessKey(event, "access key created", owner, keyId, "the request names user "
                    + requestedUser + " but the response user " + owner + ", so the key's owner is unclear");
        }
        return deactivate(event, "access key " + keyId + " created for user " + owner, owner, keyId);
    }

    /** Only re-activation matters: setting a key inactive is what Snapback itself would do. */
    private Verdict accessKeyUpdated(CloudTrailEvent event) {
        String status = Fields.text(event.request(), "status");
        if ("Inactive".equals(status)) return Verdict.clean("access key set inactive");
        String requestedUser = Fields.text(event.request(), "userName");
        String keyId = Fields.text(event.request(), "accessKeyId");
        if (ownRootKey(event, requestedUser)) {
            return Verdict.flagged(rootKeyFinding(event, "root access key re-activated", keyId));
        }
        if (isManaged(event)) return managed(event);
        // Without userName IAM applies the call to the caller's own key.
        String owner = requestedUser != null ? requestedUser
                : event.actor() instanceof Principal.IamUser caller ? caller.userName() : null;
        String title = "access key " + (keyId == null ? "" : keyId + " ")
                + ("Active".equals(status) ? "re-activated" : "updated");
        if (!"Active".equals(status)) {
            return pageAboutAccessKey(event, title, owner, keyId, "the request's status is "
                    + (status == null ? "missing" : "'" + status + "'") + ", not Active or Inactive");
        }
        if (keyId == null) {
            return pageAboutAccessKey(event, title, owner, null, "the request names no accessKeyId");
        }
        if (owner == null) {
            return pageAboutAccessKey(event, title, null, keyId, "the request names no userName and the caller, "
                    + event.actor().label() + ", is not an IAM user, so the key's owner is unknown");
        }
        return deactivate(event, "access key " + keyId + " of user " + owner + " re-activated", owner, keyId);
    }

    private Verdict keyPairAdded(CloudTrailEvent event) {
        if (isManaged(event)) return managed(event);
        String keyPairId = Fields.text(event.response(), "keyPairId");
        String keyName = Fields.text(event.response(), "keyName");
        String fingerprint = Fields.text(event.response(), "keyFingerprint");
        String verb = event.eventName().equals("ImportKeyPair") ? "imported" : "created";
        // Events from before 2021 carry no keyPairId: the name with the fingerprint tells the pair from a newer one
        // that reuses the name.
        Remediation fix = keyName == null
                ? new PageOnly("the event's responseElements name no keyName, so the key pair cannot be named exactly;"
                        + " nothing was deleted")
                : keyPairId == null && fingerprint == null
                ? new PageOnly("the event's responseElements name the key pair " + keyName + " by name only, without"
                        + " keyPairId or keyFingerprint, so it cannot be told from a newer pair of that name; nothing"
                        + " was deleted")
                : new DeleteKeyPair(keyPairId, keyName, fingerprint);
        String name = keyName != null ? keyName : Fields.text(event.request(), "keyName");
        // The resource is the AWS-assigned id: the name is the caller's choice, so it must not select an exemption.
        ResourceRef resource = keyPairId != null ? new ResourceRef("AWS::EC2::KeyPair", keyPairId)
                : new ResourceRef("AWS::CloudTrail::Event", event.eventId());
        return Verdict.flagged(new Finding(SPEC.id(), Severity.MEDIUM,
                "EC2 key pair " + (name == null ? "" : name + " ") + verb + " in " + event.region(), resource, fix,
                Facts.of(event, "key pair", name, "key pair id", keyPairId, "region", event.region(),
                        "fingerprint", fingerprint),
                event));
    }

    /** Root making or re-activating a key for itself: the request names no user, or the name CloudTrail gives root. */
    private static boolean ownRootKey(CloudTrailEvent event, String requestedUser) {
        return event.actor() instanceof Principal.Root
                && (requestedUser == null || MfaDeactivatedDetector.ROOT_USER_NAME.equals(requestedUser));
    }

    private boolean isManaged(CloudTrailEvent event) {
        return settings.isManaged(event.actor());
    }

    private static Verdict managed(CloudTrailEvent event) {
        Principal actor = event.actor();
        return Verdict.clean("made by the managed principal " + (actor.identityArn() != null ? actor.identityArn() : actor.label()));
    }

    private static Finding rootKeyFinding(CloudTrailEvent event, String title, String keyId) {
        return new Finding(SPEC.id(), Severity.CRITICAL, title, Facts.rootUser(event),
                new PageOnly("root access keys are never changed automatically; delete the key unless"
                        + " it is known and needed, and find out who holds root's credentials"),
                Facts.of(event, "access key", keyId), event);
    }

    private static Verdict deactivate(CloudTrailEvent event, String title, String owner, String keyId) {
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, title, new ResourceRef("AWS::IAM::User", owner),
                new DeactivateAccessKey(owner, keyId), Facts.of(event, "user", owner, "access key", keyId),
                event));
    }

    private static Verdict pageAboutAccessKey(CloudTrailEvent event, String title, String owner, String keyId,
                                              String why) {
        ResourceRef resource = owner != null ? new ResourceRef("AWS::IAM::User", owner)
                : new ResourceRef("AWS::CloudTrail::Event", event.eventId());
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, title, resource,
                new PageOnly(why + "; nothing was deactivated, please review the key"),
                Facts.of(event, "user", owner, "access key", keyId), event));
    }
}
