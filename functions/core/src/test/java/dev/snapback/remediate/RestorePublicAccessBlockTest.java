package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.model.Outcome;
import dev.snapback.remediate.RestorePublicAccessBlock.PublicAccessFlags;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading S3 Block Public Access before turning it back on, on S3's and S3 Control's REST-XML wire, with the events of
 * {@code s3-public-access-unblocked}'s fixtures: a bucket's policy blocks turned off in eu-west-1, and the account's
 * settings deleted through eu-west-1's endpoint.
 */
class RestorePublicAccessBlockTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final String BUCKET = "orders-exports-111122223333";
    private static final String BUCKET_PATH = "/" + BUCKET + "?publicAccessBlock";
    private static final String ACCOUNT_PATH = "/v20180820/configuration/publicAccessBlock";
    private static final PublicAccessFlags PUT = new PublicAccessFlags(true, true, false, false);
    private static final RestorePublicAccessBlock BUCKET_FIX = new RestorePublicAccessBlock("111122223333", BUCKET, PUT);
    private static final RestorePublicAccessBlock ACCOUNT_FIX = new RestorePublicAccessBlock("111122223333", null, null);

    private static CloudTrailEvent bucketPut;
    private static CloudTrailEvent accountDeleted;

    @BeforeAll
    static void events() throws IOException {
        bucketPut = event("PutBucketPublicAccessBlock-policy-blocks-off.json");
        accountDeleted = event("DeleteAccountPublicAccessBlock.json");
    }

    @Test
    void aBucketStillAsTheEventLeftItGetsAllFourBackOn() throws Exception {
        answer(BUCKET_PATH, "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true"
                + "</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false"
                + "</RestrictPublicBuckets></PublicAccessBlockConfiguration>");
        AWS.stubFor(put(urlEqualTo(BUCKET_PATH)).willReturn(xml(200, "")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(BUCKET_FIX, bucketPut);

        assertThat(outcome).isEqualTo(new Outcome.Remediated(List.of("turned on all four Block Public Access settings of bucket "
                + BUCKET + " (BlockPublicPolicy, RestrictPublicBuckets had been off)"), List.of("aws s3api put-public-access-block"
                + " --region eu-west-1 --bucket '" + BUCKET + "' --public-access-block-configuration BlockPublicAcls=true,"
                + "IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false")));
        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(call -> call.getMethod().getName() + " " + call.getUrl())
                .containsExactly("GET " + BUCKET_PATH, "PUT " + BUCKET_PATH);
        String body = calls.get(1).getBodyAsString();
        for (String setting : List.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")) {
            assertThat(body).contains("<" + setting + ">true</" + setting + ">");
        }
        assertThat(calls).allSatisfy(call -> {
            assertThat(AwsStub.scope(call)).isEqualTo("eu-west-1/s3");
            assertThat(call.getHeader("x-amz-expected-bucket-owner")).as("a bucket of that name elsewhere is never touched")
                    .isEqualTo("111122223333");
        });
    }

    @Test
    void settingsPutAgainSinceAreANewerChangeAndLeftAlone() {
        answer(BUCKET_PATH, "<PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false"
                + "</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false"
                + "</RestrictPublicBuckets></PublicAccessBlockConfiguration>");

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(BUCKET_FIX, bucketPut);

        assertThat(outcome).isInstanceOf(Outcome.Superseded.class);
        assertThat(((Outcome.Superseded) outcome).seen()).contains("now off: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy,"
                + " RestrictPublicBuckets");
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void theAccountsDeletedSettingsArePutBackThroughS3ControlForTheAccount() {
        // S3 Control wraps its errors in ErrorResponse, where S3 does not.
        AWS.stubFor(get(urlEqualTo(ACCOUNT_PATH)).willReturn(xml(404, "<ErrorResponse><Error><Code>NoSuchPublicAccessBlockConfiguration"
                + "</Code><Message>The public access block configuration was not found</Message></Error><RequestId>r</RequestId>"
                + "</ErrorResponse>")));
        AWS.stubFor(put(urlEqualTo(ACCOUNT_PATH)).willReturn(xml(200, "")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(ACCOUNT_FIX, accountDeleted);

        assertThat(outcome).isEqualTo(new Outcome.Remediated(List.of("turned on all four Block Public Access settings of account"
                + " 111122223333 (they had been deleted)"), List.of("aws s3control delete-public-access-block --region eu-west-1"
                + " --account-id 111122223333")));
        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(call -> call.getMethod().getName() + " " + call.getUrl())
                .containsExactly("GET " + ACCOUNT_PATH, "PUT " + ACCOUNT_PATH);
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.getHeader("x-amz-account-id")).isEqualTo("111122223333");
            assertThat(AwsStub.scope(call)).isEqualTo("eu-west-1/s3");
        });
    }

    @Test
    void settingsAllOnNeedNothing() {
        answer(BUCKET_PATH, "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true"
                + "</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true"
                + "</RestrictPublicBuckets></PublicAccessBlockConfiguration>");

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(BUCKET_FIX, bucketPut)).isEqualTo(
                new Outcome.AlreadyCompliant("all four Block Public Access settings of bucket " + BUCKET + " are on"));
    }

    private static void answer(String path, String body) {
        AWS.stubFor(get(urlEqualTo(path)).willReturn(xml(200, body)));
    }

    private static CloudTrailEvent event(String name) throws IOException {
        return EventParser.parse(Files.readAllBytes(Fixtures.eventsDir().resolve("s3-public-access-unblocked/finding/" + name)));
    }
}
