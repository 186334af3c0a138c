package dev.snapback.infra;

import static dev.snapback.infra.SynthesizedApp.resources;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.snapback.model.Family;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;


/** {@code -c snapStart=false}: the home stack alone (no cdk-nag), the rest is covered by the full synth. */
class SnapStartSwitchTest {

    @Test
    void snapStartOffLeavesVersionsAndAliasesWithoutSnapStart() {
        Map<String, Object> context = SynthesizedApp.context();
        context.put("snapStart", "false");
        App app = App.Builder.create().outdir(Path.of("target", "cdk.out-snapstart-off").toAbsolutePath().toString())
                .context(context).build();
        Settings settings = Settings.fromContext(app.getNode()::tryGetContext, Map.of());
        SnapbackStack stack = new SnapbackStack(app, "Snapback", StackProps.builder().build(), settings,
                Code.fromAsset(SynthesizedApp.FUNCTIONS_JAR.toString()));
        JsonNode json = new ObjectMapper().valueToTree(Template.fromStack(stack).toJSON());

        Map<String, JsonNode> functions = resources(json, "AWS::Lambda::Function");
        assertThat(functions).hasSize(Family.values().length);
        assertThat(functions.values()).allSatisfy(f -> assertThat(f.at("/Properties/SnapStart").isMissingNode()).isTrue());
        assertThat(resources(json, "AWS::Lambda::Alias")).hasSize(Family.values().length);
    }
}
