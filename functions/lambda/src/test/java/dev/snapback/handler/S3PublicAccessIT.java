package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3control.S3ControlClient;

/**
 * {@code s3-public-access-unblocked} end to end on the AWS API emulator: Block Public Access is turned off or deleted
 * there, for a bucket and for the account, the handler gets the real-shaped event, and the settings are read back.
 * The emulator does not enforce the settings (a public policy is accepted with them on): only their state is asserted.
 */
class S3PublicAccessIT {

    private static final String REGION = "eu-west-1";

    private Emulator aws;
    private String table;
    private String topic;
    private S3Client s3;
    private String bucket;

    @BeforeEach
    void start() {
        aws = Emulator.start(REGION);
        table = aws.auditTable();
        topic = aws.alertTopic();
        s3 = aws.clients().s3(REGION);
        bucket = aws.bucket("orders-exports");
    }

    @Test
    void aBucketsPolicyBlocksTurnedOffAreTurnedBackOn() {
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(false)));

        JsonNode summary = handler().invoke(onBucket("finding/PutBucketPublicAccessBlock-policy-blocks-off.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(bucketSettings()).isEqualTo(allOn());
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("BlockPublicPolicy, RestrictPublicBuckets had been off",
                    "aws s3api put-public-access-block --region eu-west-1 --bucket '" + bucket + "'");
        });
    }

    @Test
    void aBucketsDeletedSettingsArePutBack() {
        JsonNode summary = handler().invoke(onBucket("finding/DeleteBucketPublicAccessBlock.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(bucketSettings()).isEqualTo(allOn());
    }

    @Test
    void settingsPutAgainSinceAreNeverUndone() {
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(false)
                .ignorePublicAcls(false).blockPublicPolicy(false).restrictPublicBuckets(false)));

        JsonNode summary = handler().invoke(onBucket("finding/PutBucketPublicAccessBlock-policy-blocks-off.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(bucketSettings().blockPublicAcls()).isFalse();
        assertThat(aws.published(topic)).singleElement().satisfies(page -> assertThat(page.subject()).startsWith("[LOW] "));
    }

    @Test
    void theAccountsSettingsDeletedAreTurnedBackOnThroughS3Control() {
        S3ControlClient s3Control = aws.clients().s3Control(REGION);
        s3Control.putPublicAccessBlock(r -> r.accountId(Emulator.ACCOUNT).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        s3Control.deletePublicAccessBlock(r -> r.accountId(Emulator.ACCOUNT));

        JsonNode summary = handler().invoke(Emulator.event("s3-public-access-unblocked/finding/DeleteAccountPublicAccessBlock.json",
                detail -> { }));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        var now = s3Control.getPublicAccessBlock(r -> r.accountId(Emulator.ACCOUNT)).publicAccessBlockConfiguration();
        assertThat(now.blockPublicAcls() && now.ignorePublicAcls() && now.blockPublicPolicy() && now.restrictPublicBuckets()).isTrue();
        assertThat(aws.published(topic)).singleElement().satisfies(page -> assertThat(page.subject()).startsWith("[CRITICAL] "));
    }

    @Test
    void aPolicyOpenToEveryonePagesAndIsLeftAsItIs() {
        JsonNode summary = handler().invoke(onBucket("finding/PutBucketPolicy-principal-star.json"));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("statement PublicRead: s3:GetObject to Principal *");
        });
    }

    private Emulator.Invoker handler() {
        return aws.handler(Family.DATA, table, topic, "{}");
    }

    private PublicAccessBlockConfiguration bucketSettings() {
        return s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
    }

    private static PublicAccessBlockConfiguration allOn() {
        return PublicAccessBlockConfiguration.builder().blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true)
                .restrictPublicBuckets(true).build();
    }

    /** The fixture, pointed at the bucket the emulator made. */
    private ObjectNode onBucket(String fixture) {
        return Emulator.event("s3-public-access-unblocked/" + fixture,
                detail -> ((ObjectNode) detail.get("requestParameters")).put("bucketName", bucket));
    }
}
