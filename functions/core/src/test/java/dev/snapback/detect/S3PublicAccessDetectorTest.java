package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.remediate.PageOnly;
import java.io.IOException;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Edge cases of {@link S3PublicAccessDetector} beyond the fixtures: the spellings of a public grant, and conditions,
 * which hide a grant only when they limit who may use it.
 */
class S3PublicAccessDetectorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = "s3-public-access-unblocked/finding/PutBucketPolicy-principal-star.json";
    private static final String ACL = "s3-public-access-unblocked/finding/PutBucketAcl-canned-public-read.json";

    private final S3PublicAccessDetector detector = new S3PublicAccessDetector();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"Bool\": {\"aws:SecureTransport\": \"true\"}}",
            "{\"IpAddress\": {\"aws:SourceIp\": \"0.0.0.0/0\"}}",
            "{\"StringLike\": {\"aws:UserAgent\": \"*\"}}",
            "{\"StringLike\": {\"aws:Referer\": \"https://www.example.com/*\"}}",
            "{\"StringEqualsIfExists\": {\"aws:SourceVpce\": \"vpce-0a1b2c3d\"}}",
            "{\"Null\": {\"aws:PrincipalOrgID\": \"true\"}}",
            "{\"StringNotEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}",
            "{\"StringLike\": {\"aws:PrincipalOrgID\": \"o-*\"}}"})
    void aConditionThatLimitsNoOneHidesNothing(String condition) throws IOException {
        JsonNode parsed = JSON.readTree(condition);
        CloudTrailEvent conditioned = policy(statement -> statement.set("Condition", parsed));

        assertThat(((PageOnly) onlyFinding(detector.evaluate(conditioned)).proposed()).reason())
                .contains("statement PublicRead", "under a condition that does not limit who");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}",
            "{\"StringEquals\": {\"aws:SourceVpce\": \"vpce-0a1b2c3d\"}}",
            "{\"IpAddress\": {\"aws:SourceIp\": [\"198.51.100.0/24\", \"2001:db8::/32\"]}}",
            "{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:role/reader\"}}"})
    void aConditionOnWhoCallsKeepsTheStatementPrivate(String condition) throws IOException {
        JsonNode parsed = JSON.readTree(condition);

        assertThat(detector.evaluate(policy(statement -> statement.set("Condition", parsed))))
                .isEqualTo(Verdict.clean("the policy allows no one but under a condition that limits who"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"AWS\": \"arn:aws:iam::*:root\"}", "{\"CanonicalUser\": \"*\"}", "\" *\"", "{\"AWS\": [\"*\"]}"})
    void everyoneIsEveryoneInEverySpelling(String principal) throws IOException {
        JsonNode parsed = JSON.readTree(principal);

        assertThat(onlyFinding(detector.evaluate(policy(statement -> statement.set("Principal", parsed)))).proposed())
                .isInstanceOf(PageOnly.class);
    }

    @ParameterizedTest(name = "Effect {0}")
    @ValueSource(strings = {"allow", "ALLOW", "Allow "})
    void anyEffectButDenyIsAnAllow(String effect) {
        assertThat(onlyFinding(detector.evaluate(policy(statement -> statement.put("Effect", effect)))).proposed())
                .isInstanceOf(PageOnly.class);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            x-amz-acl        | Public-Read                                                  | canned ACL public-read
            x-amz-grant-read | uri="https://acs.amazonaws.com/groups/global/AllUsers"       | READ to AllUsers
            x-amz-grant-read | uri=http://acs.amazonaws.com/groups/global/authenticatedusers | READ to AuthenticatedUsers""")
    void aclGrantsToEveryoneAreReadInAnySpelling(String header, String value, String grant) {
        CloudTrailEvent edited = event(ACL, detail -> ((ObjectNode) detail.get("requestParameters")).put(header, value));

        assertThat(((PageOnly) onlyFinding(detector.evaluate(edited)).proposed()).reason()).contains(grant);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no ACL", "no statement", "unknown canned ACL", "another account's bucket"})
    void whatCannotBeReadPagesForReview(String damage) {
        CloudTrailEvent damaged = switch (damage) {
            case "no ACL" -> event(ACL, detail -> ((ObjectNode) detail.get("requestParameters")).remove("x-amz-acl"));
            case "no statement" -> event(POLICY, detail -> ((ObjectNode) detail.at("/requestParameters/bucketPolicy")).remove("Statement"));
            case "unknown canned ACL" -> event(ACL, detail -> ((ObjectNode) detail.get("requestParameters")).put("x-amz-acl", "publicread"));
            default -> event(POLICY, detail -> ((ObjectNode) detail.at("/resources/0")).put("accountId", "444455556666"));
        };

        assertThat(onlyFinding(detector.evaluate(damaged)).title()).endsWith("needs review");
    }

    /** The fixture's first statement ({@code PublicRead}, Principal *), edited. */
    private static CloudTrailEvent policy(Consumer<ObjectNode> editStatement) {
        return event(POLICY, detail -> editStatement.accept((ObjectNode) detail.at("/requestParameters/bucketPolicy/Statement/0")));
    }
}
