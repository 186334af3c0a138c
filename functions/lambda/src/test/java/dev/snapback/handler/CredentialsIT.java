package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The other credential kinds of {@code unmanaged-key-created} end to end on the AWS API emulator: the credential is
 * made there, the handler gets the real-shaped event naming it, and the emulator's state is read back: the SSH key or
 * the signing certificate inactive, and nothing else of the user's touched; a password set for someone else and a
 * CloudFront key group change page and change nothing. The emulator has no service-specific credentials; their wire
 * shape is covered by the WireMock fixture test.
 */
class CredentialsIT {

    private static final String SSH_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDDr9X2jVq4pQ+examplekeyonly build@ci";

    private Emulator aws;
    private String table;
    private String topic;
    private IamClient iam;

    @BeforeEach
    void start() {
        aws = Emulator.start("us-east-1");
        table = aws.auditTable();
        topic = aws.alertTopic();
        iam = aws.clients().iam();
    }

    @Test
    void anSshKeyUploadedForAnotherUserIsSetInactiveAndTheUsersOtherKeyIsLeftAlone() {
        String user = aws.name("svc-git");
        iam.createUser(r -> r.userName(user));
        String kept = iam.uploadSSHPublicKey(r -> r.userName(user).sshPublicKeyBody(SSH_KEY + "-kept")).sshPublicKey().sshPublicKeyId();
        String uploaded = iam.uploadSSHPublicKey(r -> r.userName(user).sshPublicKeyBody(SSH_KEY)).sshPublicKey().sshPublicKeyId();

        JsonNode summary = handler().invoke(Emulator.event("unmanaged-key-created/finding/UploadSSHPublicKey-for-other-user.json",
                detail -> {
                    ((ObjectNode) detail.path("requestParameters")).put("userName", user);
                    ((ObjectNode) detail.at("/responseElements/sSHPublicKey")).put("userName", user).put("sSHPublicKeyId", uploaded);
                }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(iam.getSSHPublicKey(r -> r.userName(user).sshPublicKeyId(uploaded).encoding("SSH")).sshPublicKey().status())
                .isEqualTo(StatusType.INACTIVE);
        assertThat(iam.getSSHPublicKey(r -> r.userName(user).sshPublicKeyId(kept).encoding("SSH")).sshPublicKey().status())
                .isEqualTo(StatusType.ACTIVE);
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ").contains("SSH public key deactivated");
            assertThat(page.text()).contains("aws iam update-ssh-public-key --user-name '" + user + "' --ssh-public-key-id "
                    + uploaded + " --status Active");
        });
    }

    @Test
    void aLateReactivationEventFindsTheKeyInactiveAgainAndChangesNothing() {
        String user = aws.name("svc-git");
        iam.createUser(r -> r.userName(user));
        String key = iam.uploadSSHPublicKey(r -> r.userName(user).sshPublicKeyBody(SSH_KEY)).sshPublicKey().sshPublicKeyId();
        iam.updateSSHPublicKey(r -> r.userName(user).sshPublicKeyId(key).status(StatusType.INACTIVE));

        JsonNode summary = handler().invoke(Emulator.event("unmanaged-key-created/finding/UpdateSSHPublicKey-reactivated.json",
                detail -> ((ObjectNode) detail.path("requestParameters")).put("userName", user).put("sSHPublicKeyId", key)));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("already-compliant");
        assertThat(iam.getSSHPublicKey(r -> r.userName(user).sshPublicKeyId(key).encoding("SSH")).sshPublicKey().status())
                .isEqualTo(StatusType.INACTIVE);
    }

    @Test
    void aSigningCertificateIsSetInactive() {
        String user = aws.name("alice");
        iam.createUser(r -> r.userName(user));
        String certificate = iam.uploadSigningCertificate(r -> r.userName(user).certificateBody(CERTIFICATE))
                .certificate().certificateId();

        JsonNode summary = handler().invoke(Emulator.event("unmanaged-key-created/finding/UploadSigningCertificate-own-certificate.json",
                detail -> {
                    ((ObjectNode) detail.path("userIdentity")).put("userName", user)
                            .put("arn", "arn:aws:iam::" + Emulator.ACCOUNT + ":user/" + user);
                    ((ObjectNode) detail.at("/responseElements/certificate")).put("userName", user).put("certificateId", certificate);
                }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(iam.listSigningCertificates(r -> r.userName(user)).certificates()).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(StatusType.INACTIVE));
    }

    @Test
    void aPasswordSetForAnotherUserAndAKeyGroupTrustingANewKeyPageAndChangeNothing() {
        String user = aws.name("bob");
        iam.createUser(r -> r.userName(user));
        iam.createLoginProfile(r -> r.userName(user).password("Correct-Horse-9-Battery").passwordResetRequired(false));

        JsonNode password = handler().invoke(Emulator.event("unmanaged-key-created/finding/CreateLoginProfile-for-other-user.json",
                detail -> ((ObjectNode) detail.path("requestParameters")).put("userName", user)));
        JsonNode keyGroup = handler().invoke(Emulator.event("unmanaged-key-created/finding/UpdateKeyGroup2020_05_31-adds-key.json",
                detail -> { }));

        assertThat(password.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(keyGroup.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(iam.getLoginProfile(r -> r.userName(user)).loginProfile().userName()).as("left in place").isEqualTo(user);
        assertThat(aws.published(topic)).hasSize(2).satisfiesExactly(
                page -> {
                    assertThat(page.subject()).startsWith("[HIGH] ").contains("console password created for user " + user);
                    assertThat(page.text()).contains("reset required at next sign-in: no: the one who set it keeps knowing it");
                },
                page -> {
                    assertThat(page.subject()).startsWith("[HIGH] ").contains("CloudFront key group media-signers changed");
                    assertThat(page.text()).contains("trusted public keys: K3D5EWEUDCCXON, K2JCJMDEHXQW5F");
                });
    }

    private Emulator.Invoker handler() {
        return aws.handler(Family.KEYS, table, topic, "{}");
    }

    /** A self-signed test certificate (moto parses the body it is given); public material only. */
    private static final String CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBhjCCASugAwIBAgIUPtOjL+yiotcUYQAoUIMbjcZuVfswCgYIKoZIzj0EAwIw
            GDEWMBQGA1UEAwwNc25hcGJhY2stdGVzdDAeFw0yNjEyMDcxMTAyNDJaFw0zNjEy
            MDQxMTAyNDJaMBgxFjAUBgNVBAMMDXNuYXBiYWNrLXRlc3QwWTATBgcqhkjOPQIB
            BggqhkjOPQMBBwNCAARZ/O95wNV95oITvjGmxsVPhR7W6G4ZImY531vdtnbRjDlS
            YgN+NkItU0alEyDKZjXc2n62aLBQpM6mxyzLzBDHo1MwUTAdBgNVHQ4EFgQU3TZT
            FCOdGCPlY8zuIDrC/SSJzpowHwYDVR0jBBgwFoAU3TZTFCOdGCPlY8zuIDrC/SSJ
            zpowDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAgtlj8W2hQ+b2
            2ZChzddZc6bNNMwnLBVBo+dB0pFaCZkCIQCOlX4/C05SyMuPUa1U2Z8+F0+gSplK
            RuqjlfUB/MGKJg==
            -----END CERTIFICATE-----""";
}
