package dev.snapback.infra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package map of every module (core, lambda, cli, infra), read from its bytecode: no cycles, and a flow that reads
 * one way. Each package may use the ones before it in {@link #FLOW} and none after it.
 */
class ArchitectureTest {

    /** From the shared vocabulary up to the deployment; the packages of functions/core come first. */
    static final List<String> FLOW = List.of("model", "event", "settings", "remediate", "detect", "config", "policy",
            "alert", "audit", "snapstart", "handler", "cli", "infra");
    private static final List<String> CORE = FLOW.subList(0, FLOW.indexOf("audit") + 1);

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.snapback");

    @Test
    void everyModuleIsRead() {
        assertThat(CLASSES.stream().map(c -> c.getPackageName().replace("dev.snapback.", "")).distinct())
                .containsExactlyInAnyOrderElementsOf(FLOW);
    }

    @Test
    void noPackagesDependOnEachOtherInACircle() {
        slices().matching("dev.snapback.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @ParameterizedTest(name = "{0} uses nothing after it")
    @MethodSource("packages")
    void aPackageUsesOnlyThePackagesBeforeIt(String name) {
        String[] later = FLOW.subList(FLOW.indexOf(name) + 1, FLOW.size()).stream().map(p -> "dev.snapback." + p + "..")
                .toArray(String[]::new);
        noClasses().that().resideInAPackage("dev.snapback." + name + "..")
                .should().dependOnClassesThat().resideInAnyPackage(later).check(CLASSES);
    }

    @Test
    void theCoreKnowsNoLambdaRuntimeNoCommandLineAndNoCdk() {
        noClasses().that().resideInAnyPackage(CORE.stream().map(p -> "dev.snapback." + p + "..").toArray(String[]::new))
                .should().dependOnClassesThat().resideInAnyPackage("com.amazonaws.services.lambda..",
                        "software.amazon.lambda..", "org.crac..", "org.slf4j..", "picocli..", "software.amazon.event.ruler..",
                        "software.amazon.awscdk..")
                .check(CLASSES);
    }

    /** Every package but the last, which may use them all. */
    static List<String> packages() {
        return FLOW.subList(0, FLOW.size() - 1);
    }
}
