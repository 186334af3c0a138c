package dev.snapback.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

/** cdk-nag's AWS Solutions checks run on every stack in the app: no error, and every suppression says why. */
class NagTest {

    private static SynthesizedApp app;

    @BeforeAll
    static void synth() {
        app = SynthesizedApp.get();
    }

    @Test
    void noErrorsOrWarnings() {
        for (String stack : app.stackNames()) {
            List<String> problems = new ArrayList<>();
            for (SynthesisMessage message : app.artifact(stack).getMessages()) {
                if (message.getLevel() != SynthesisMessageLevel.INFO) {
                    problems.add(message.getLevel() + " " + message.getId() + ": " + message.getEntry().getData());
                }
            }
            assertThat(problems).as(stack).isEmpty();
        }
    }

    @Test
    void nagRanOnEveryStack() {
        for (String stack : app.stackNames()) {
            assertThat(app.assembly.getDirectory() + "/AwsSolutions-" + stack + "-NagReport.csv")
                    .satisfies(path -> assertThat(java.nio.file.Path.of(path)).isRegularFile());
        }
    }

    @Test
    void everySuppressionIsSpecificAndGivesAReason() {
        List<String> suppressed = new ArrayList<>();
        for (String stack : app.stackNames()) {
            app.json(stack).get("Resources").properties().forEach(resource -> {
                for (JsonNode rule : resource.getValue().at("/Metadata/cdk_nag/rules_to_suppress")) {
                    String id = rule.get("id").asText();
                    assertThat(rule.get("reason").asText()).as(id).hasSizeGreaterThan(40);
                    if (id.equals("AwsSolutions-IAM5")) {
                        // Only named findings may be waived, never the whole rule for the resource.
                        assertThat(rule.get("applies_to")).as(id).isNotEmpty();
                    }
                    suppressed.add(id);
                }
            });
        }
        assertThat(suppressed).containsOnly("AwsSolutions-IAM5", "AwsSolutions-SQS3");
    }
}
