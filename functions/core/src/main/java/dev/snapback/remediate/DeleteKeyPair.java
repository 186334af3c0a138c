package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.KeyPairInfo;

/**
 * Delete the EC2 key pair the event created, in the event's region, and never another one.
 *
 * <p>By {@code keyPairId} when the event has one (ids are never reused). Events from before key pair ids existed
 * name the pair by {@code keyName} and {@code fingerprint}: a pair of that name is deleted only while its fingerprint
 * is the event's; a newer pair that reuses the name is left alone ({@link Outcome.Superseded}).
 */
public record DeleteKeyPair(String keyPairId, String keyName, String fingerprint) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            // EC2's Describe actions take no resource-level permissions.
            IamGrant.of("*", "ec2:DescribeKeyPairs"),
            IamGrant.of("arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:key-pair/*", "ec2:DeleteKeyPair"));

    public DeleteKeyPair {
        if (keyPairId == null && (keyName == null || fingerprint == null)) {
            throw new IllegalArgumentException("a key pair is named by its id, or by its name and fingerprint");
        }
    }

    @Override
    public String describe() {
        return "delete key pair " + (keyPairId != null ? keyPairId + " (" + keyName + ")" : keyName);
    }

    @Override
    public Verbs verbs() {
        return new Verbs("delete key pair", "key pair deleted");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        Ec2Client ec2 = aws.ec2(cause.region());
        // Filtered here as well: the answer is the account's pairs of that id or name, and no other is touched.
        Optional<KeyPairInfo> present = (keyPairId != null
                ? ec2.describeKeyPairs(r -> r.keyPairIds(keyPairId)).keyPairs().stream().filter(k -> keyPairId.equals(k.keyPairId()))
                : ec2.describeKeyPairs(r -> r.keyNames(keyName)).keyPairs().stream().filter(k -> keyName.equals(k.keyName())))
                .findFirst();
        if (present.isEmpty()) return new Outcome.AlreadyCompliant("key pair " + label() + " no longer exists");
        KeyPairInfo pair = present.get();
        if (keyPairId == null && !fingerprint.equals(pair.keyFingerprint())) {
            return new Outcome.Superseded("key pair " + keyName + " is now " + pair.keyPairId() + " with fingerprint "
                    + pair.keyFingerprint() + ", not the event's " + fingerprint + ": a newer key pair reuses the name,"
                    + " and it is left alone");
        }
        String id = Objects.requireNonNull(pair.keyPairId(), "EC2 described a key pair without its id");
        ec2.deleteKeyPair(r -> r.keyPairId(id));
        return new Outcome.Remediated(List.of("delete key pair " + id + " (" + pair.keyName() + ") in " + cause.region()),
                List.of("not reversible: a deleted key pair cannot be restored; create or import a new key pair"));
    }

    private String label() {
        return keyPairId != null ? keyPairId : keyName + " with fingerprint " + fingerprint;
    }
}
