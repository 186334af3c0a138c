package dev.snapback.detect;

import java.util.List;

/** The registry: every detector Snapback ships, and their declarations for the stack and the replay router. */
public final class Detectors {

    /** The one list of detectors; everything else is derived from it, so nothing can drift. */
    public static final List<DetectorType<?>> TYPES = List.of(
            new DetectorType<>(MfaDeactivatedDetector.SPEC, MfaSettings.class, MfaSettings.DEFAULTS, MfaDeactivatedDetector::new),
            new DetectorType<>(SecurityGroupOpenedDetector.SPEC, SecurityGroupSettings.class, SecurityGroupSettings.DEFAULTS,
                    SecurityGroupOpenedDetector::new),
            new DetectorType<>(NetworkAclOpenedDetector.SPEC, NetworkAclSettings.class, NetworkAclSettings.DEFAULTS,
                    NetworkAclOpenedDetector::new),
            new DetectorType<>(NetworkEdgeChangedDetector.SPEC, NetworkEdgeSettings.class, NetworkEdgeSettings.DEFAULTS,
                    NetworkEdgeChangedDetector::new),
            DetectorType.withoutSettings(S3PublicAccessDetector.SPEC, new S3PublicAccessDetector()),
            DetectorType.withoutSettings(TlsNotEnforcedDetector.SPEC, new TlsNotEnforcedDetector()),
            new DetectorType<>(TrailTamperedDetector.SPEC, TrailSettings.class, TrailSettings.DEFAULTS, TrailTamperedDetector::new),
            new DetectorType<>(UnmanagedKeyCreatedDetector.SPEC, KeySettings.class, KeySettings.DEFAULTS,
                    UnmanagedKeyCreatedDetector::new),
            DetectorType.withoutSettings(QuarantineTamperedDetector.SPEC, new QuarantineTamperedDetector()),
            new DetectorType<>(PasswordPolicyWeakenedDetector.SPEC, PasswordSettings.class, PasswordSettings.DEFAULTS,
                    PasswordPolicyWeakenedDetector::new),
            new DetectorType<>(ConsoleLoginWithoutMfaDetector.SPEC, SignInSettings.class, SignInSettings.DEFAULTS,
                    ConsoleLoginWithoutMfaDetector::new),
            new DetectorType<>(RootActivityDetector.SPEC, RootSettings.class, RootSettings.DEFAULTS, RootActivityDetector::new),
            new DetectorType<>(UnauthorizedCallsDetector.SPEC, DeniedCallSettings.class, DeniedCallSettings.DEFAULTS,
                    UnauthorizedCallsDetector::new),
            new DetectorType<>(KmsKeyDisabledDetector.SPEC, KmsKeySettings.class, KmsKeySettings.DEFAULTS,
                    KmsKeyDisabledDetector::new),
            new DetectorType<>(ConfigRecorderStoppedDetector.SPEC, KeySettings.class, KeySettings.DEFAULTS,
                    ConfigRecorderStoppedDetector::new),
            new DetectorType<>(ThreatDetectionDisabledDetector.SPEC, KeySettings.class, KeySettings.DEFAULTS,
                    ThreatDetectionDisabledDetector::new),
            new DetectorType<>(OrganizationChangedDetector.SPEC, KeySettings.class, KeySettings.DEFAULTS,
                    OrganizationChangedDetector::new),
            new DetectorType<>(SnapbackTamperedDetector.SPEC, TamperSettings.class, TamperSettings.DEFAULTS,
                    SnapbackTamperedDetector::new));

    public static final List<DetectorSpec> SPECS = TYPES.stream().map(DetectorType::spec).toList();

    private Detectors() {
    }

    public static DetectorSpec spec(String id) {
        return SPECS.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no detector " + id));
    }
}
