package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.event.Principal;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.DeactivateAccessKey;
import dev.snapback.remediate.DeactivateUserCredential;
import dev.snapback.remediate.DeactivateUserCredential.Kind;
import dev.snapback.remediate.DeleteKeyPair;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.Remediation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Long-lived credentials created (or re-activated) outside the managed path: IAM access keys, SSH public keys, signing
 * certificates and service-specific credentials, EC2 key pairs, CloudFront's signed-URL public keys and key groups,
 * and a console password set for a user by someone else. Root keys always page.
 *
 * <p>"Managed" means the caller's identity ARN (for an assumed role, the role's) is exactly one of the configured
 * managed principals. The key to deactivate and its owner come from the event alone, never from a guess: an access
 * key's owner is the response's {@code accessKey.userName}, not the caller. Key material never leaves the event.
 */
public record UnmanagedKeyCreatedDetector(KeySettings settings) implements Detector {

    private static final String CLOUDFRONT_CREATE_PUBLIC_KEY = "CreatePublicKey2020_05_31";
    private static final String CLOUDFRONT_CREATE_KEY_GROUP = "CreateKeyGroup2020_05_31";
    private static final String CLOUDFRONT_UPDATE_KEY_GROUP = "UpdateKeyGroup2020_05_31";

    public static final DetectorSpec SPEC = new DetectorSpec(
            "unmanaged-key-created",
            "Unmanaged key created",
            Family.KEYS,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("iam", "CreateAccessKey", "UpdateAccessKey", "UploadSSHPublicKey",
                            "UpdateSSHPublicKey", "UploadSigningCertificate", "UpdateSigningCertificate",
                            "CreateServiceSpecificCredential", "ResetServiceSpecificCredential", "UpdateServiceSpecificCredential",
                            "CreateLoginProfile",
                            "UpdateLoginProfile"),
                    EventPattern.apiCalls("ec2", "CreateKeyPair", "ImportKeyPair"),
                    // CloudTrail names CloudFront's calls with or without the API version.
                    EventPattern.apiCalls("cloudfront", "CreatePublicKey", CLOUDFRONT_CREATE_PUBLIC_KEY, "CreateKeyGroup",
                            CLOUDFRONT_CREATE_KEY_GROUP, "UpdateKeyGroup", CLOUDFRONT_UPDATE_KEY_GROUP)),
            IamGrant.allOf(DeactivateAccessKey.GRANTS, DeactivateUserCredential.GRANTS, DeleteKeyPair.GRANTS));

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
            case "UploadSSHPublicKey" -> credentialAdded(event, Kind.SSH_PUBLIC_KEY, "sSHPublicKey", "sSHPublicKeyId");
            case "UploadSigningCertificate" -> credentialAdded(event, Kind.SIGNING_CERTIFICATE, "certificate", "certificateId");
            // A reset issues a new password for the credential: as good as a new one.
            case "CreateServiceSpecificCredential", "ResetServiceSpecificCredential" -> credentialAdded(event, Kind.SERVICE_SPECIFIC_CREDENTIAL,
                    "serviceSpecificCredential", "serviceSpecificCredentialId");
            case "UpdateSSHPublicKey" -> credentialUpdated(event, Kind.SSH_PUBLIC_KEY, "sSHPublicKeyId");
            case "UpdateSigningCertificate" -> credentialUpdated(event, Kind.SIGNING_CERTIFICATE, "certificateId");
            case "UpdateServiceSpecificCredential" -> credentialUpdated(event, Kind.SERVICE_SPECIFIC_CREDENTIAL,
                    "serviceSpecificCredentialId");
            case "CreateLoginProfile", "UpdateLoginProfile" -> passwordSet(event);
            case "CreatePublicKey", CLOUDFRONT_CREATE_PUBLIC_KEY -> signingKeyAdded(event);
            case "CreateKeyGroup", CLOUDFRONT_CREATE_KEY_GROUP, "UpdateKeyGroup", CLOUDFRONT_UPDATE_KEY_GROUP -> keyGroupSet(event);
            default -> Verdict.clean(event.eventName() + " creates no key");
        };
    }

    private Verdict accessKeyCreated(CloudTrailEvent event) {
        String requestedUser = Fields.text(event.request(), "userName");
        String keyId = Fields.text(event.response(), "accessKey", "accessKeyId");
        if (ownRootKey(event, requestedUser)) {
            return Verdict.flagged(rootKeyFinding(event, "root access key created", "access key", keyId));
        }
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
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
            return Verdict.flagged(rootKeyFinding(event, "root access key re-activated", "access key", keyId));
        }
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
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
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
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

    /**
     * An SSH public key, signing certificate or service-specific credential made for a user. The owner and the id come
     * from the response; CloudTrail writes IAM's {@code SSHPublicKey} as {@code sSHPublicKey}, and any other casing
     * of the name is read too. Root's own signing certificates page: root's
     * credentials are never changed.
     */
    private Verdict credentialAdded(CloudTrailEvent event, Kind kind, String responseObject, String idField) {
        JsonNode created = anyCase(event.response(), responseObject);
        String id = Fields.text(anyCase(created, idField));
        String owner = Fields.text(created, "userName");
        String requestedUser = Fields.text(event.request(), "userName");
        if (ownRootKey(event, requestedUser)) {
            return Verdict.flagged(rootKeyFinding(event, "root " + kind.label() + " added", kind.label(), id));
        }
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        String title = kind.label() + " " + (id == null ? "" : id + " ") + "added for user " + (owner != null ? owner : requestedUser);
        if (id == null || owner == null) {
            return pageAboutCredential(event, title, kind, owner != null ? owner : requestedUser, id, "the event has no"
                    + " responseElements." + responseObject + "." + (id == null ? idField : "userName")
                    + ", so the new " + kind.label() + " cannot be named exactly");
        }
        if (requestedUser != null && !requestedUser.equals(owner)) {
            return pageAboutCredential(event, title, kind, owner, id, "the request names user " + requestedUser
                    + " but the response user " + owner + ", so the owner is unclear");
        }
        return deactivate(event, title, kind, owner, id);
    }

    /** Only re-activation matters, as for access keys; without userName IAM applies the call to the caller. */
    private Verdict credentialUpdated(CloudTrailEvent event, Kind kind, String idField) {
        String status = Fields.text(event.request(), "status");
        if ("Inactive".equals(status)) return Verdict.clean(kind.label() + " set inactive");
        String requestedUser = Fields.text(event.request(), "userName");
        String id = Fields.text(anyCase(event.request(), idField));
        if (ownRootKey(event, requestedUser)) {
            return Verdict.flagged(rootKeyFinding(event, "root " + kind.label() + " re-activated", kind.label(), id));
        }
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        String owner = requestedUser != null ? requestedUser
                : event.actor() instanceof Principal.IamUser caller ? caller.userName() : null;
        String title = kind.label() + " " + (id == null ? "" : id + " ") + ("Active".equals(status) ? "re-activated" : "updated");
        if (!"Active".equals(status)) {
            return pageAboutCredential(event, title, kind, owner, id, "the request's status is "
                    + (status == null ? "missing" : "'" + status + "'") + ", not Active or Inactive");
        }
        if (id == null) return pageAboutCredential(event, title, kind, owner, null, "the request names no " + idField);
        if (owner == null) {
            return pageAboutCredential(event, title, kind, null, id, "the request names no userName and the caller, "
                    + event.actor().label() + ", is not an IAM user, so the owner is unknown");
        }
        return deactivate(event, title + " for user " + owner, kind, owner, id);
    }

    /**
     * A console password set. Changing one's own is fine (users do it with {@code ChangePassword}, or
     * {@code UpdateLoginProfile} on themselves); creating one, for oneself or another user, gives console access to
     * whoever set it: a classic step from stolen access keys to the console. Without {@code userName} the call is the
     * caller's own (root's, from an AssumeRoot session). The old password cannot be put back, so this pages; the
     * password itself is never in the event.
     */
    private Verdict passwordSet(CloudTrailEvent event) {
        boolean created = event.eventName().equals("CreateLoginProfile");
        String named = Fields.text(event.request(), "userName");
        String user = named != null ? named : event.actor() instanceof Principal.IamUser caller ? caller.userName() : null;
        boolean own = event.actor() instanceof Principal.IamUser caller && caller.userName().equals(user);
        if (own && !created) return Verdict.clean("user " + user + " set their own console password");
        if (user == null && !created) return Verdict.clean("UpdateLoginProfile without userName changes the caller's own password");
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        Boolean resetRequired = Fields.bool(event.request(), "passwordResetRequired");
        String whose = user != null ? "user " + user : event.actor() instanceof Principal.Root ? "root" : "the caller";
        String title = "console password " + (created ? "created" : "changed") + " for " + whose + (own ? " by themself" : "");
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, title,
                user != null ? new ResourceRef("AWS::IAM::User", user) : new ResourceRef("AWS::CloudTrail::Event", event.eventId()),
                new PageOnly("whoever set the password can sign in as " + whose + "; the old password cannot be put back,"
                        + " so nothing was changed: confirm the change with the user, or delete the login profile"),
                Facts.of(event, "user", user, "reset required at next sign-in",
                        resetRequired == null ? null : resetRequired ? "yes" : "no: the one who set it keeps knowing it"),
                event));
    }

    /**
     * A CloudFront public key: once a key group of a distribution lists it, its private key signs URLs and cookies
     * for that distribution's private content. Not yet trusted on its own, so MEDIUM.
     */
    private Verdict signingKeyAdded(CloudTrailEvent event) {
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        String id = Fields.text(event.response(), "publicKey", "id");
        String name = Fields.text(event.request(), "publicKeyConfig", "name");
        return Verdict.flagged(new Finding(SPEC.id(), Severity.MEDIUM, "CloudFront public key "
                + (name == null ? "" : name + " ") + "created", cloudFrontResource(event, "AWS::CloudFront::PublicKey", id),
                new PageOnly("a CloudFront public key is harmless until a key group lists it; nothing was deleted,"
                        + " please confirm who holds its private key"),
                Facts.of(event, "public key", id, "name", name), event));
    }

    /**
     * A key group created or changed: every distribution that trusts the group now accepts URLs signed by each key
     * it lists. Taking a key out could break those distributions, so this pages.
     */
    private Verdict keyGroupSet(CloudTrailEvent event) {
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        JsonNode config = event.request().path("keyGroupConfig");
        List<String> keys = new ArrayList<>();
        config.path("items").forEach(key -> keys.add(key.asText()));
        String id = Objects.requireNonNullElse(Fields.text(event.response(), "keyGroup", "id"), Fields.text(event.request(), "id"));
        String name = Fields.text(config, "name");
        String verb = event.eventName().startsWith("Create") ? "created" : "changed";
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "CloudFront key group " + (name == null ? "" : name + " ")
                + verb, cloudFrontResource(event, "AWS::CloudFront::KeyGroup", id),
                new PageOnly("distributions that trust this key group accept URLs signed with any key it lists;"
                        + " removing a key could break them, so nothing was changed: review the keys"),
                Facts.of(event, "key group", id, "name", name, "trusted public keys", keys.isEmpty() ? null : String.join(", ", keys)),
                event));
    }

    /** CloudFront's ids are AWS-assigned; without one the event itself is what the page is about. */
    private static ResourceRef cloudFrontResource(CloudTrailEvent event, String type, String id) {
        return id != null ? new ResourceRef(type, id) : new ResourceRef("AWS::CloudTrail::Event", event.eventId());
    }

    /** The field of that name in any letter case ({@code sSHPublicKeyId}, {@code sshPublicKeyId}); missing if none. */
    private static JsonNode anyCase(JsonNode node, String name) {
        if (node.has(name)) return node.get(name);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getKey().equalsIgnoreCase(name)) return field.getValue();
        }
        return MissingNode.getInstance();
    }

    /** Root making or re-activating a key for itself: the request names no user, or the name CloudTrail gives root. */
    private static boolean ownRootKey(CloudTrailEvent event, String requestedUser) {
        return event.actor() instanceof Principal.Root
                && (requestedUser == null || MfaDeactivatedDetector.ROOT_USER_NAME.equals(requestedUser));
    }

    private static Finding rootKeyFinding(CloudTrailEvent event, String title, String kind, String keyId) {
        return new Finding(SPEC.id(), Severity.CRITICAL, title, Facts.rootUser(event),
                new PageOnly("root's " + kind + "s are never changed automatically; delete this one unless"
                        + " it is known and needed, and find out who holds root's credentials"),
                Facts.of(event, kind, keyId), event);
    }

    private static Verdict deactivate(CloudTrailEvent event, String title, String owner, String keyId) {
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, title, new ResourceRef("AWS::IAM::User", owner),
                new DeactivateAccessKey(owner, keyId), Facts.of(event, "user", owner, "access key", keyId),
                event));
    }

    private static Verdict deactivate(CloudTrailEvent event, String title, Kind kind, String owner, String id) {
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, title, new ResourceRef("AWS::IAM::User", owner),
                new DeactivateUserCredential(kind, owner, id), Facts.of(event, "user", owner, kind.label(), id), event));
    }

    private static Verdict pageAboutCredential(CloudTrailEvent event, String title, Kind kind, String owner, String id,
                                               String why) {
        return pageAbout(event, title, owner, why + "; nothing was deactivated, please review the " + kind.label(),
                Facts.of(event, "user", owner, kind.label(), id));
    }

    private static Verdict pageAboutAccessKey(CloudTrailEvent event, String title, String owner, String keyId,
                                              String why) {
        return pageAbout(event, title, owner, why + "; nothing was deactivated, please review the key",
                Facts.of(event, "user", owner, "access key", keyId));
    }

    private static Verdict pageAbout(CloudTrailEvent event, String title, String owner, String reason, Map<String, String> facts) {
        ResourceRef resource = owner != null ? new ResourceRef("AWS::IAM::User", owner)
                : new ResourceRef("AWS::CloudTrail::Event", event.eventId());
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, title, resource, new PageOnly(reason), facts, event));
    }
}
