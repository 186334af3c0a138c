package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.ignoredBecause;
import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.RestoreEventSelectors;
import dev.snapback.remediate.RestoreTrailSettings;
import dev.snapback.remediate.StartLogging;
import dev.snapback.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


/** Edge cases between the fixtures: each starts from a real-shaped fixture and changes one thing. */
class TrailTamperedDetectorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STOP = "trail-tampered/finding/StopLogging-by-name.json";
    private static final String UPDATE = "trail-tampered/finding/UpdateTrail-single-region.json";
    private static final String GLOBAL_EVENTS_OFF = "trail-tampered/finding/UpdateTrail-global-events-off.json";
    private static final String BASIC = "trail-tampered/finding/PutEventSelectors-management-events-dropped.json";
    private static final String ADVANCED = "trail-tampered/finding/PutEventSelectors-advanced-read-only-management.json";

    private final TrailTamperedDetector detector = new TrailTamperedDetector(Fixtures.config().settings(TrailSettings.class));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            UpdateTrail-enable-log-validation               | UpdateTrail turned off nothing Snapback guards
            PutEventSelectors-add-s3-data-events            | the trail still logs write management events
            PutEventSelectors-advanced-exclude-kms          | the trail still logs write management events
            PutEventSelectors-write-only-without-kms        | the trail still logs write management events
            UpdateTrail-snapback-role                       | made by Snapback's own role
            """)
    void eachIgnoredFixtureIsIgnoredForItsOwnReason(String fixture, String reason) {
        CloudTrailEvent event = event("trail-tampered/ignored-by-detector/" + fixture + ".json");

        assertThat(ignoredBecause(detector, event)).isEqualTo(reason);
    }

    @Test
    void aTrailNamedInAnotherPartitionGetsThatPartitionsArn() {
        CloudTrailEvent china = event(STOP, d -> d.put("awsRegion", "cn-north-1"));
        CloudTrailEvent govCloud = event(STOP, d -> d.put("awsRegion", "us-gov-west-1"));

        assertThat(onlyFinding(detector.evaluate(china)).proposed()).isEqualTo(new StartLogging(
                "arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/management-trail", "cn-north-1"));
        assertThat(onlyFinding(detector.evaluate(govCloud)).proposed()).isEqualTo(new StartLogging(
                "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/management-trail", "us-gov-west-1"));
    }

    @Test
    void theHomeRegionComesFromTheArnNotFromWhereTheCallWasMade() {
        CloudTrailEvent event = event(STOP, d -> {
            d.put("awsRegion", "eu-west-1");
            request(d).put("name", "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-trail");
        });

        assertThat(onlyFinding(detector.evaluate(event)).proposed()).isEqualTo(new StartLogging(
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-trail", "us-east-1"));
    }

    @Test
    void aNameThatIsNoTrailNameOrTrailArnIsPagedNotGuessed() {
        for (String name : List.of("no spaces allowed", "arn:aws:s3:::management-trail", "x")) {
            CloudTrailEvent event = event(STOP, d -> request(d).put("name", name));

            Finding finding = onlyFinding(detector.evaluate(event));
            assertThat(finding.proposed()).as(name).isInstanceOf(PageOnly.class);
            assertThat(finding.resource().type()).isEqualTo("AWS::CloudTrail::Event");
        }
    }

    @Test
    void aFlagThatIsNotABooleanIsPaged() {
        CloudTrailEvent event = event(UPDATE, d -> request(d).put("isMultiRegionTrail", "false"));

        Finding finding = onlyFinding(detector.evaluate(event));
        assertThat(((PageOnly) finding.proposed()).reason()).contains("isMultiRegionTrail is not a boolean");
    }

    @Test
    void turningSettingsOnOrChangingTheKeyWeakensNothing() {
        CloudTrailEvent on = event(UPDATE, d -> request(d).put("isMultiRegionTrail", true)
                .put("includeGlobalServiceEvents", true).put("enableLogFileValidation", true));
        CloudTrailEvent newKeyWhereNoneIsConfigured = event(GLOBAL_EVENTS_OFF, d -> {
            request(d).remove("includeGlobalServiceEvents");
            request(d).put("kmsKeyId", "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321");
        });
        CloudTrailEvent configuredKeyByAlias = event(UPDATE, d -> {
            request(d).remove("isMultiRegionTrail");
            request(d).put("kmsKeyId", "alias/cloudtrail");
        });

        CloudTrailEvent keyLeftAlone = event(UPDATE, d -> {
            request(d).remove("isMultiRegionTrail");
            ((ObjectNode) d.get("responseElements")).put("kmsKeyId", "arn:aws:kms:us-east-1:111122223333:key/other");
        });

        assertThat(detector.evaluate(on)).isInstanceOf(Verdict.Clean.class);
        assertThat(detector.evaluate(keyLeftAlone)).as("a key this call did not set is not this call's doing")
                .isInstanceOf(Verdict.Clean.class);
        assertThat(detector.evaluate(newKeyWhereNoneIsConfigured)).isInstanceOf(Verdict.Clean.class);
        assertThat(detector.evaluate(configuredKeyByAlias)).as("judged by the key ARN in the response")
                .isInstanceOf(Verdict.Clean.class);
    }

    @Test
    void eachLogDestinationChangeIsPagedNamingTheNewDestination() {
        for (String key : TrailTamperedDetector.DESTINATIONS) {
            String destination = "new-" + key;
            CloudTrailEvent event = event(GLOBAL_EVENTS_OFF, d -> {
                request(d).remove("includeGlobalServiceEvents");
                request(d).put(key, destination);
            });

            Finding finding = onlyFinding(detector.evaluate(event));
            assertThat(finding.severity()).as(key).isEqualTo(Severity.HIGH);
            assertThat(finding.title()).isEqualTo("trail audit-trail log delivery changed: " + key + ": " + destination);
            assertThat(((PageOnly) finding.proposed()).reason()).contains(key + ": " + destination);
            assertThat(finding.context()).containsEntry(key, destination);
        }
    }

    @Test
    void aRedirectAlongsideAWeakeningIsPagedAndTheWeakeningStillRestored() {
        CloudTrailEvent event = event(UPDATE, d -> request(d).put("s3BucketName", "elsewhere").put("snsTopicName", 7));

        List<Finding> findings = DetectorAssertions.findings(detector.evaluate(event));
        assertThat(findings).extracting(f -> f.proposed().getClass().getSimpleName())
                .containsExactly("RestoreTrailSettings", "PageOnly", "PageOnly");
        assertThat(findings.get(1).title()).isEqualTo("trail management-trail log delivery changed: s3BucketName: elsewhere");
        assertThat(((PageOnly) findings.get(2).proposed()).reason()).contains("snsTopicName is not a string");
    }

    @Test
    void theTitleNamesEveryWeakenedSetting() {
        CloudTrailEvent event = event(UPDATE, d -> request(d).put("enableLogFileValidation", false).put("kmsKeyId", ""));

        Finding finding = onlyFinding(detector.evaluate(event));
        assertThat(finding.title())
                .isEqualTo("trail management-trail weakened: multi-region off, log file validation off, KMS encryption removed");
        assertThat(finding.proposed()).isEqualTo(new RestoreTrailSettings(
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-trail", "us-east-1", true, null, true,
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
    }

    @Test
    void basicSelectorsWithDefaultsStillLogWrites() {
        CloudTrailEvent event = event(BASIC, d -> request(d).set("eventSelectors", json("[{}]")));

        assertThat(detector.evaluate(event)).isInstanceOf(Verdict.Clean.class);
    }

    @Test
    void fiveBasicSelectorsLeaveNoRoomAndArePaged() {
        CloudTrailEvent event = event(BASIC, d -> {
            ArrayNode selectors = (ArrayNode) request(d).get("eventSelectors");
            JsonNode first = selectors.get(0);
            for (int i = 0; i < 4; i++) selectors.add(first.deepCopy());
        });

        Finding finding = onlyFinding(detector.evaluate(event));
        assertThat(((PageOnly) finding.proposed()).reason()).contains("already has 5 event selectors");
    }

    @Test
    void aSelectorFieldSnapbackDoesNotKnowIsNotRebuilt() {
        CloudTrailEvent event = event(BASIC, d -> ((ObjectNode) request(d).get("eventSelectors").get(0))
                .put("includeInsightsEvents", true));

        Finding finding = onlyFinding(detector.evaluate(event));
        assertThat(((PageOnly) finding.proposed()).reason())
                .contains("unexpected selector field 'includeInsightsEvents'");
    }

    @Test
    void bothKindsOfSelectorsInOneCallArePaged() {
        CloudTrailEvent event = event(BASIC, d -> request(d).set("advancedEventSelectors", json("[]")));

        assertThat(((PageOnly) onlyFinding(detector.evaluate(event)).proposed()).reason())
                .contains("carries both eventSelectors and advancedEventSelectors");
    }

    @Test
    void advancedReadOnlyConditionsAreReadBothWays() {
        CloudTrailEvent notReadOnly = event(ADVANCED, d -> readOnlyCondition(d).set("equals", json("[\"false\"]")));
        CloudTrailEvent notEqualsTrue = event(ADVANCED, d -> {
            ObjectNode condition = readOnlyCondition(d);
            condition.remove("equals");
            condition.set("notEquals", json("[\"true\"]"));
        });
        CloudTrailEvent notEqualsFalse = event(ADVANCED, d -> {
            ObjectNode condition = readOnlyCondition(d);
            condition.remove("equals");
            condition.set("notEquals", json("[\"false\"]"));
        });

        assertThat(detector.evaluate(notReadOnly)).isInstanceOf(Verdict.Clean.class);
        assertThat(detector.evaluate(notEqualsTrue)).isInstanceOf(Verdict.Clean.class);
        assertThat(onlyFinding(detector.evaluate(notEqualsFalse)).proposed())
                .isInstanceOf(RestoreEventSelectors.class);
    }

    @Test
    void restoringWritesKeepsTheSelectorsOwnExclusions() {
        CloudTrailEvent event = event(ADVANCED, d -> managementConditions(d).addObject()
                .put("field", "eventSource").set("notEquals", json("[\"kms.amazonaws.com\"]")));

        var restore = (RestoreEventSelectors) onlyFinding(detector.evaluate(event)).proposed();
        assertThat(json(restore.selectorsJson()).get(0)).isEqualTo(json("""
                {"Name": "Management events selector", "FieldSelectors": [
                  {"Field": "eventCategory", "Equals": ["Management"]},
                  {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]}"""));
    }

    @Test
    void excludingSourcesBeyondWhatTheBasicApiAllowsIsPaged() {
        CloudTrailEvent event = event(ADVANCED, d -> {
            readOnlyCondition(d).set("equals", json("[\"false\"]"));
            managementConditions(d).addObject()
                    .put("field", "eventSource").set("notEquals", json("[\"iam.amazonaws.com\"]"));
        });

        assertThat(onlyFinding(detector.evaluate(event)).proposed()).isInstanceOf(PageOnly.class);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode request(ObjectNode detail) {
        return (ObjectNode) detail.get("requestParameters");
    }

    private static ArrayNode managementConditions(ObjectNode detail) {
        return (ArrayNode) detail.at("/requestParameters/advancedEventSelectors/0/fieldSelectors");
    }

    private static ObjectNode readOnlyCondition(ObjectNode detail) {
        return (ObjectNode) managementConditions(detail).get(1);
    }
}
