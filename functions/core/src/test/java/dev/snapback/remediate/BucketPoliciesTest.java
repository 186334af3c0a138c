package dev.snapback.remediate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What counts as a deny that keeps a bucket's transport to TLS: the whole of it and nothing more, so that a decoy
 * never reads as one, and a deny that would lock out TLS callers too is never restored.
 */
class BucketPoliciesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "orders-exports";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::orders-exports\", \"arn:aws:s3:::orders-exports/*\"], \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}",
            "{\"Effect\": \"Deny\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": [\"*\"], \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": false}}}"})
    void theWholeDenyCounts(String statement) throws IOException {
        assertThat(BucketPolicies.deniesInsecureTransport(JSON.readTree(statement), BUCKET)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // one action, one object, a further condition, both values, another bucket, NotAction, an allow
            "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:PutObjectTagging\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}",
            "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::orders-exports/one.csv\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}",
            "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}, \"IpAddress\": {\"aws:SourceIp\": \"192.0.2.1/32\"}}}",
            "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": [\"false\", \"true\"]}}}",
            "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::other\", \"arn:aws:s3:::other/*\"], \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}",
            "{\"Effect\": \"Deny\", \"Principal\": \"*\", \"NotAction\": \"s3:GetObject\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}",
            "{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}"})
    void aDecoyOrABroaderDenyDoesNot(String statement) throws IOException {
        assertThat(BucketPolicies.deniesInsecureTransport(JSON.readTree(statement), BUCKET)).isFalse();
    }
}
