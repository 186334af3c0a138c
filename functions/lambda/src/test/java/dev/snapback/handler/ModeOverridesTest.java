package dev.snapback.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.json;
import static dev.snapback.testing.AwsStub.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.Mode;
import dev.snapback.testing.AwsStub;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ModeOverridesTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    @Test
    void readsTheParameterOnceAndServesItFromTheCache() throws Exception {
        AWS.stubFor(target("AmazonSSM.GetParameter").willReturn(parameter("/snapback/modes", "{\"security-group-opened\":\"page\"}")));
        ModeOverrides overrides = new ModeOverrides(AWS.clients().ssm(), "/snapback/modes");

        assertThat(overrides.read()).isEqualTo(Map.of("security-group-opened", Mode.PAGE));
        assertThat(overrides.read()).isEqualTo(Map.of("security-group-opened", Mode.PAGE));

        var requests = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).as("second read comes from the cache").hasSize(1);
        assertThat(new ObjectMapper().readTree(requests.getFirst().getBodyAsString()).get("Name").asText()).isEqualTo("/snapback/modes");
    }

    @Test
    void parsesModesAndRejectsAnythingElse() {
        assertThat(ModeOverrides.parse("{\"trail-tampered\":\"dry-run\",\"mfa-deactivated\":\"off\"}"))
                .isEqualTo(Map.of("trail-tampered", Mode.DRY_RUN, "mfa-deactivated", Mode.OFF));
        assertThat(ModeOverrides.parse("{}")).isEmpty();
        assertThatThrownBy(() -> ModeOverrides.parse("page")).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> ModeOverrides.parse("[\"page\"]")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> ModeOverrides.parse("{\"trail-tampered\":\"panic\"}")).isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("modes.trail-tampered");
        assertThatThrownBy(() -> ModeOverrides.parse("{\"trail-tampered\":1}")).isInstanceOf(InvalidConfigException.class);
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder parameter(String name, String value) {
        var node = new ObjectMapper().createObjectNode();
        node.putObject("Parameter").put("Name", name).put("Type", "String").put("Value", value).put("Version", 3)
                .put("LastModifiedDate", 1.7950464E9).put("ARN", "arn:aws:ssm:us-east-1:111122223333:parameter" + name)
                .put("DataType", "text");
        return json(200, "application/x-amz-json-1.1", node.toString());
    }
}
