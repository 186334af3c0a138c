package dev.snapback.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snapback.model.Family;
import dev.snapback.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;


/** {@link Detectors}: the specs are those of the detectors it builds, one per id, one family per detector. */
class DetectorsTest {

    @Test
    void theSpecsAreThoseOfTheDetectorsItBuilds() {
        List<Detector> detectors = Fixtures.config().detectors();

        assertThat(Detectors.SPECS).containsExactlyElementsOf(detectors.stream().map(Detector::spec).toList());
        assertThat(Detectors.SPECS).containsExactly(MfaDeactivatedDetector.SPEC, SecurityGroupOpenedDetector.SPEC,
                NetworkAclOpenedDetector.SPEC, NetworkEdgeChangedDetector.SPEC, S3PublicAccessDetector.SPEC, TlsNotEnforcedDetector.SPEC,
                TrailTamperedDetector.SPEC, UnmanagedKeyCreatedDetector.SPEC, QuarantineTamperedDetector.SPEC,
                PasswordPolicyWeakenedDetector.SPEC, ConsoleLoginWithoutMfaDetector.SPEC, RootActivityDetector.SPEC,
                UnauthorizedCallsDetector.SPEC, KmsKeyDisabledDetector.SPEC, ConfigRecorderStoppedDetector.SPEC,
                ThreatDetectionDisabledDetector.SPEC, OrganizationChangedDetector.SPEC, SnapbackTamperedDetector.SPEC);
        assertThat(Detectors.SPECS).extracting(DetectorSpec::id).doesNotHaveDuplicates();
    }

    @Test
    void eachFamilyGetsItsOwnDetectors() {
        for (Family family : Family.values()) {
            assertThat(Fixtures.config().detectors(family)).isNotEmpty()
                    .allSatisfy(detector -> assertThat(detector.spec().family()).isEqualTo(family));
        }
    }

    @Test
    void specsAreFoundById() {
        assertThat(Detectors.spec("trail-tampered")).isEqualTo(TrailTamperedDetector.SPEC);
        assertThatThrownBy(() -> Detectors.spec("trail-tamperd")).hasMessage("no detector trail-tamperd");
    }
}
