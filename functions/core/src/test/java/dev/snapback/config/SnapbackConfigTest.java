package dev.snapback.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.snapback.detect.DetectorType;
import dev.snapback.detect.Detectors;
import dev.snapback.detect.KeySettings;
import dev.snapback.detect.KmsKeySettings;
import dev.snapback.detect.MfaDeactivatedDetector;
import dev.snapback.detect.MfaSettings;
import dev.snapback.detect.NetworkAclSettings;
import dev.snapback.detect.NetworkEdgeSettings;
import dev.snapback.detect.RootSettings;
import dev.snapback.detect.SecurityGroupSettings;
import dev.snapback.detect.TamperSettings;
import dev.snapback.detect.TrailSettings;
import dev.snapback.detect.UnmanagedKeyCreatedDetector;
import dev.snapback.event.Principal;
import dev.snapback.model.Cidr;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.settings.SettingsBinder;
import dev.snapback.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SnapbackConfig}: the example file, defaults, and a message naming the field for every invalid value. */
class SnapbackConfigTest {

    @Test
    void readsTheExampleConfiguration() {
        SnapbackConfig config = Fixtures.config();

        assertThat(config.modes()).hasSize(10).containsEntry("unmanaged-key-created", Mode.REMEDIATE);
        SecurityGroupSettings groups = config.settings(SecurityGroupSettings.class);
        assertThat(groups.publicPorts()).containsExactlyInAnyOrder(80, 443);
        assertThat(groups.trustedCidrs()).contains(Cidr.parse("10.0.0.0/8"), Cidr.parse("fc00::/7"));
        assertThat(groups.minPrefixV4()).isEqualTo(8);
        assertThat(config.settings(NetworkAclSettings.class)).as("one publicPorts for both layers")
                .isEqualTo(new NetworkAclSettings(groups.publicPorts(), List.of(1024, 65535), 8, 32));
        assertThat(groups.minPrefixV6()).isEqualTo(32);
        assertThat(config.settings(KeySettings.class).managedPrincipals()).containsExactlyInAnyOrder(
                "arn:aws:iam::111122223333:role/key-rotation", "arn:aws:iam::111122223333:user/ci-deployer");
        assertThat(config.shared().snapbackRoleArns()).hasSize(6).contains("arn:aws:iam::111122223333:role/snapback-keys",
                "arn:aws:iam::111122223333:role/Snapback-canary");
        TamperSettings tamper = config.settings(TamperSettings.class);
        assertThat(tamper.snapbackHomeRegion()).isEqualTo("us-east-1");
        assertThat(tamper.snapbackKeyArns()).hasSize(2);
        assertThat(tamper.deploymentRoleArns()).containsExactly("arn:aws:iam::111122223333:role/snapback-deployer");
        assertThat(config.settings(MfaSettings.class).quarantineRelease()).isEqualTo(MfaSettings.QuarantineRelease.AUTOMATIC);
        assertThat(config.lateEventAfter()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.shared().exemptResources())
                .containsOnly(Map.entry("AWS::EC2::SecurityGroup", Set.of("sg-0bastion000000001")),
                        Map.entry("AWS::S3::Bucket", Set.of("www-example-site")));
        assertThat(config.settings(RootSettings.class).windowAt(Instant.parse("2026-11-25T12:59:59Z")))
                .hasValueSatisfying(window -> assertThat(window.reason()).isEqualTo("INC-4211 close the legacy billing account"));
        assertThat(config.settings(RootSettings.class).windowAt(Instant.parse("2026-11-25T13:00:00Z"))).as("the end is exclusive").isEmpty();
        assertThat(config.settings(TrailSettings.class).trailKmsKeys())
                .containsKey("arn:aws:cloudtrail:us-east-1:111122223333:trail/management-trail");
    }

    @Test
    void absentFieldsTakeTheirDefaults() {
        assertThat(SnapbackConfig.fromJson("{}")).isEqualTo(SnapbackConfig.defaults());
        assertThat(SnapbackConfig.fromJson("{\"modes\": null, \"managedPrincipals\": null}")).isEqualTo(SnapbackConfig.defaults());
        assertThat(SnapbackConfig.defaults().modeFor(MfaDeactivatedDetector.SPEC)).isEqualTo(MfaDeactivatedDetector.SPEC.defaultMode());
    }

    @Test
    void modesAreReadInAnySpelling() {
        SnapbackConfig config = SnapbackConfig.fromJson("{\"modes\": {\"unmanaged-key-created\": \"Dry-Run\", \"mfa-deactivated\": \" off \"}}");

        assertThat(config.modeFor(UnmanagedKeyCreatedDetector.SPEC)).isEqualTo(Mode.DRY_RUN);
        assertThat(config.modeFor(MfaDeactivatedDetector.SPEC)).isEqualTo(Mode.OFF);
        assertThat(config.withModes(Map.of()).modeFor(MfaDeactivatedDetector.SPEC)).isEqualTo(Mode.REMEDIATE);
    }

    @Test
    void allowlistsMatchExactly() {
        SnapbackConfig config = Fixtures.config();
        KeySettings keys = config.settings(KeySettings.class);

        assertThat(keys.isManaged(session("arn:aws:iam::111122223333:role/key-rotation", "run-1"))).isTrue();
        assertThat(keys.isManaged(session("arn:aws:iam::111122223333:role/key-rotation2", "run-1"))).isFalse();
        assertThat(keys.isManaged(session("arn:aws:iam::444455556666:role/key-rotation", "run-1"))).as("other account").isFalse();
        assertThat(keys.isManaged(new Principal.IamUser("arn:aws:iam::111122223333:user/ci-deployer", "ci-deployer",
                "111122223333"))).isTrue();
        assertThat(keys.isManaged(new Principal.IamUser("arn:aws:iam::111122223333:user/ci-deployer2", "ci-deployer2",
                "111122223333"))).isFalse();
        assertThat(keys.isManaged(new Principal.AwsService("cloudformation.amazonaws.com"))).isFalse();
        assertThat(config.isSnapback(session("arn:aws:iam::111122223333:role/snapback-mfa", "fn"))).isTrue();
        assertThat(config.isSnapback(session("arn:aws:iam::111122223333:role/SNAPBACK-MFA", "fn"))).isFalse();
        assertThat(config.isSnapback(new Principal.Unknown("IdentityCenterUser", null))).isFalse();
    }

    @Test
    void ownRolesAreRecognisedInEveryFormCloudTrailNamesThem() {
        SnapbackConfig config = SnapbackConfig.fromJson("""
                {"snapbackRoleArns": ["arn:aws:iam::111122223333:role/snapback-mfa",
                                      "arn:aws:iam::111122223333:role/service/snapback-keys"]}""");

        assertThat(config.isSnapback(session("arn:aws:iam::111122223333:role/snapback-mfa", "fn"))).isTrue();
        assertThat(config.isSnapback(session("arn:aws:iam::111122223333:role/lambda/snapback-mfa", "fn")))
                .as("the issuer with a path").isTrue();
        assertThat(config.isSnapback(new Principal.AssumedRole("arn:aws:sts::111122223333:assumed-role/snapback-mfa/fn",
                null, "fn", "111122223333", null))).as("a session without its issuer").isTrue();
        assertThat(config.isSnapback(session("arn:aws:iam::111122223333:role/snapback-keys", "fn")))
                .as("configured with a path, seen without").isTrue();
        assertThat(config.isSnapback(new Principal.AssumedRole("arn:aws:sts::111122223333:assumed-role/snapback-keys/fn",
                null, "fn", "111122223333", null))).isTrue();
        assertThat(config.isSnapback(session("arn:aws:iam::111122223333:role/snapback-mfa-admin", "fn")))
                .as("a role whose name only starts the same").isFalse();
        assertThat(config.isSnapback(new Principal.AssumedRole("arn:aws:sts::111122223333:assumed-role/snapback-mfa-admin/fn",
                null, "fn", "111122223333", null))).isFalse();
        assertThat(config.isSnapback(new Principal.AssumedRole("arn:aws:sts::444455556666:assumed-role/snapback-mfa/fn",
                null, "fn", "444455556666", null))).as("the same name in another account").isFalse();
        assertThat(config.isSnapback(new Principal.IamUser("arn:aws:iam::111122223333:user/snapback-mfa", "snapback-mfa",
                "111122223333"))).as("a user of the same name").isFalse();
    }

    private static Principal session(String roleArn, String session) {
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String account = roleArn.split(":")[4];
        return new Principal.AssumedRole("arn:aws:sts::" + account + ":assumed-role/" + name + "/" + session, roleArn,
                session, account, null);
    }

    @Test
    void exemptionsMatchTypeAndId() {
        SnapbackConfig config = SnapbackConfig.fromJson("""
                {"exemptResources": {"AWS::EC2::SecurityGroup": ["sg-0bastion000000001"],
                                     "AWS::EC2::KeyPair": ["key-0a3f9c1e7b5d24680"]}}""");

        assertThat(config.isExempt(new ResourceRef("AWS::EC2::SecurityGroup", "sg-0bastion000000001"))).isTrue();
        assertThat(config.isExempt(new ResourceRef("AWS::EC2::KeyPair", "key-0a3f9c1e7b5d24680"))).isTrue();
        assertThat(config.isExempt(new ResourceRef("AWS::EC2::KeyPair", "sg-0bastion000000001"))).isFalse();
        assertThat(config.isExempt(new ResourceRef("AWS::IAM::User", "sg-0bastion000000001"))).isFalse();
        assertThat(config.isExempt(new ResourceRef("AWS::EC2::SecurityGroup", "sg-0bastion000000002"))).isFalse();
        assertThat(config.isExempt(new ResourceRef("AWS::EC2::SecurityGroup", null))).isFalse();
    }

    /** Every detector's resource can be exempted by the id its findings carry, as docs/detectors.md gives them. */
    @Test
    void theDetectiveControlsNetworkAclsAndBucketsCanBeExemptedByTheirFindingsIds() {
        Map<String, String> ids = Map.of(
                "AWS::KMS::Key", "arn:aws:kms:us-east-1:111122223333:key/5a5a5a5a-1111-4222-8333-444455556666",
                "AWS::Config::ConfigurationRecorder", "eu-west-1/default",
                "AWS::Config::DeliveryChannel", "eu-west-1/default",
                "AWS::GuardDuty::Detector", "12abc34d567e8fa901bc2d34e56789f0",
                "AWS::SecurityHub::Hub", "ap-southeast-2",
                "AWS::EC2::NetworkAcl", "acl-0a1b2c3d4e5f60001",
                "AWS::S3::Bucket", "www.example-site.com",
                "AWS::S3::AccountPublicAccessBlock", "111122223333");
        StringBuilder json = new StringBuilder("{\"exemptResources\": {");
        ids.forEach((type, id) -> json.append('"').append(type).append("\": [\"").append(id).append("\"],"));
        SnapbackConfig config = SnapbackConfig.fromJson(json.substring(0, json.length() - 1) + "}}");

        ids.forEach((type, id) -> assertThat(config.isExempt(new ResourceRef(type, id))).as(type).isTrue());
        assertThatThrownBy(() -> SnapbackConfig.fromJson("{\"exemptResources\": {\"AWS::S3::Bucket\": [\"Orders_Exports\"]}}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("exemptResources.AWS::S3::Bucket: ");
        assertThatThrownBy(() -> SnapbackConfig.fromJson("{\"exemptResources\": {\"AWS::KMS::Key\": [\"alias/orders\"]}}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("exemptResources.AWS::KMS::Key: ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"modes": {"mfa-deactivated": "sometimes"}}                   | modes.mfa-deactivated | 'sometimes' is not a mode
            {"modes": {"mfa-deactivated": 1}}                             | modes.mfa-deactivated | expected a non-empty string
            {"modes": {"no-such-detector": "page"}}                       | modes.no-such-detector | no detector has this id
            {"modes": ["page"]}                                           | modes                 | expected an object
            {"publicPorts": [70000]}                                      | publicPorts           | port out of range: 70000
            {"publicPorts": [-1]}                                         | publicPorts           | port out of range: -1
            {"publicPorts": ["443"]}                                      | publicPorts[0]        | expected a whole number
            {"publicPorts": 443}                                          | publicPorts           | expected a list
            {"trustedCidrs": ["10.0.0.0"]}                                | trustedCidrs[0]       | not a CIDR (no /prefix): 10.0.0.0
            {"trustedCidrs": ["intranet.example.com/8"]}                  | trustedCidrs[0]       | not an IP address
            {"trustedCidrs": ["10.0.0.0/33"]}                             | trustedCidrs[0]       | prefix length out of range
            {"minPrefixV4": 0}                                            | minPrefixV4           | must be between 1 and 32, got 0
            {"returnTrafficPorts": [2000, 1024]}                          | returnTrafficPorts    | expected [from, to] with 0 <= from <= to <= 65535, or [] to flag return traffic too, got [2000, 1024]
            {"trustedPeerAccounts": ["4444-5555-6666"]}                   | trustedPeerAccounts   | not a 12-digit account id: 4444-5555-6666
            {"returnTrafficPorts": [1024]}                                | returnTrafficPorts    | expected [from, to] with 0 <= from <= to <= 65535, or [] to flag return traffic too, got [1024]
            {"returnTrafficPorts": [1024, 70000]}                         | returnTrafficPorts    | expected [from, to] with 0 <= from <= to <= 65535, or [] to flag return traffic too, got [1024, 70000]
            {"minPrefixV4": "8"}                                          | minPrefixV4           | expected a whole number
            {"minPrefixV4": 8.5}                                          | minPrefixV4           | expected a whole number
            {"minPrefixV6": 129}                                          | minPrefixV6           | must be between 1 and 128, got 129
            {"managedPrincipals": ["arn:aws:iam::111122223333:role/*"]}   | managedPrincipals     | not an exact IAM ARN (no wildcards)
            {"managedPrincipals": ["key-rotation"]}                       | managedPrincipals     | not an exact IAM ARN
            {"managedPrincipals": [""]}                                   | managedPrincipals[0]  | expected a non-empty string
            {"snapbackRoleArns": ["arn:aws:iam::1111:role/snapback-mfa"]} | snapbackRoleArns      | not an exact IAM ARN
            {"snapbackRoleArns": ["arn:aws:iam::111122223333:user/snapback"]} | snapbackRoleArns  | not an IAM role ARN
            {"quarantineRelease": "sometimes"}                            | quarantineRelease     | 'sometimes' is neither automatic nor manual
            {"lateEventAfter": "15 minutes"}                              | lateEventAfter        | not an ISO-8601 duration such as PT15M
            {"lateEventAfter": "PT0S"}                                    | lateEventAfter        | must be a positive duration
            {"exemptResources": ["sg-0bastion000000001"]}                 | exemptResources       | expected an object
            {"exemptResources": {"AWS::EC2::SecurityGroup": "sg-1"}}      | exemptResources.AWS::EC2::SecurityGroup | expected a list
            {"exemptResources": {"AWS::EC2::SecurityGroup": [1]}}         | exemptResources.AWS::EC2::SecurityGroup[0] | expected a non-empty string
            {"exemptResources": {"AWS::EC2::Instance": ["i-0abc"]}}       | exemptResources.AWS::EC2::Instance | not a resource type that can be exempted; known: [AWS::CloudTrail::Trail, AWS::Config::ConfigurationRecorder, AWS::Config::DeliveryChannel, AWS::EC2::KeyPair, AWS::EC2::NetworkAcl, AWS::EC2::SecurityGroup, AWS::GuardDuty::Detector, AWS::IAM::Role, AWS::IAM::User, AWS::KMS::Key, AWS::S3::AccountPublicAccessBlock, AWS::S3::Bucket, AWS::SecurityHub::Hub]
            {"exemptResources": {"AWS::EC2::KeyPair": ["bastion-admin"]}} | exemptResources.AWS::EC2::KeyPair | expected an id matching key-[0-9a-zA-Z]+, got bastion-admin
            {"exemptResources": {"AWS::CloudTrail::Trail": ["audit-trail"]}} | exemptResources.AWS::CloudTrail::Trail | got audit-trail
            {"trailKmsKeys": {"management-trail": "arn:aws:kms:us-east-1:111122223333:key/k"}} | trailKmsKeys | key must be a trail ARN
            {"trailKmsKeys": {"arn:aws:cloudtrail:us-east-1:111122223333:trail/t": "alias/trail"}} | trailKmsKeys.arn:aws:cloudtrail:us-east-1:111122223333:trail/t | must be a KMS key ARN
            {"trailKmsKeys": {"arn:aws:cloudtrail:us-east-1:111122223333:trail/t": 5}} | trailKmsKeys.arn:aws:cloudtrail:us-east-1:111122223333:trail/t | expected a non-empty string
            {"rootBreakGlass": {"INC-1": "2026-12-07T09:00:00Z"}}         | rootBreakGlass.INC-1  | must be an ISO-8601 interval START/END
            {"rootBreakGlass": {"INC-1": "2026-12-07T09:00:00Z/tomorrow"}} | rootBreakGlass.INC-1 | not an ISO-8601 instant (2026-12-07T09:00:00Z): tomorrow
            {"rootBreakGlass": {"INC-1": "2026-12-07T09:00:00Z/2026-12-07T08:00:00Z"}} | rootBreakGlass.INC-1 | ends at or before it starts
            {"rootBreakGlass": {"INC-1": "2026-01-01T00:00:00Z/2026-03-01T00:00:00Z"}} | rootBreakGlass.INC-1 | is longer than 31 days: a break-glass window must expire
            {"rootBreakGlass": {" ": "2026-12-07T09:00:00Z/2026-12-07T10:00:00Z"}} | rootBreakGlass | each window needs a reason as its key
            {"signInFailureThreshold": 0}                                 | signInFailureThreshold | must be 1 to 1000, got 0
            {"deniedCallThreshold": 1001}                                 | deniedCallThreshold   | must be 1 to 1000, got 1001
            {"deniedCallWindow": "PT30S"}                                 | deniedCallWindow      | must be from PT1M to P1D, got PT30S
            {"signInFailureWindow": "P2D"}                                | signInFailureWindow   | must be from PT1M to P1D, got PT48H
            {"managedPrincipal": []}                                      | managedPrincipal      | unknown setting
            {"modes": {}                                                  | (config)              | not valid JSON
            []                                                            | (config)              | expected a JSON object
            """)
    void namesTheInvalidField(String json, String field, String problem) {
        assertThatThrownBy(() -> SnapbackConfig.fromJson(json))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageStartingWith(field + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void theConstructorsValidateToo() {
        SharedSettings d = SharedSettings.DEFAULTS;

        assertThatThrownBy(() -> new KeySettings(Set.of("arn:aws:iam::111122223333:user/?lice")))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("managedPrincipals: ");
        assertThatThrownBy(() -> new SharedSettings(d.modes(), d.snapbackRoleArns(), Map.of("sg", Set.of("sg-1")), d.lateEventAfter()))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("exemptResources.sg: ");
        assertThatThrownBy(() -> new SnapbackConfig(d, Map.of())).as("a detector without its settings")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no MfaSettings for mfa-deactivated");
    }

    /**
     * Each key is defined by one settings record. {@link KmsKeySettings} only reads keys that others define,
     * {@link NetworkAclSettings} reads {@code publicPorts} and the prefixes, {@link NetworkEdgeSettings}
     * {@code managedPrincipals};
     * they validate them through their owners ({@link KeySettings}, {@link TamperSettings}, {@link SecurityGroupSettings}),
     * so they cannot mean two things.
     */
    @Test
    void everyKeyBelongsToOneSettingsRecord() {
        Map<Class<?>, Set<String>> borrowed = Map.of(NetworkAclSettings.class, Set.of("publicPorts", "minPrefixV4", "minPrefixV6"),
                NetworkEdgeSettings.class, Set.of("managedPrincipals"));
        List<String> keys = new ArrayList<>(SettingsBinder.keys(SharedSettings.class));
        Detectors.TYPES.stream().map(DetectorType::settingsType).distinct().filter(type -> type != KmsKeySettings.class)
                .forEach(type -> keys.addAll(SettingsBinder.keys(type).stream()
                        .filter(key -> !borrowed.getOrDefault(type, Set.of()).contains(key)).toList()));

        assertThat(keys).doesNotHaveDuplicates().contains("publicPorts", "managedPrincipals", "trailKmsKeys",
                "quarantineRelease", "modes", "lateEventAfter");
        assertThat(SettingsBinder.keys(KeySettings.class)).contains("managedPrincipals");
        assertThat(SettingsBinder.keys(TamperSettings.class)).contains("snapbackKeyArns");
        assertThat(keys).containsAll(SettingsBinder.keys(KmsKeySettings.class));
        assertThat(SettingsBinder.keys(NetworkAclSettings.class)).contains("publicPorts");
    }

    @Test
    void keysReadTwiceAreValidatedByTheirOwner() {
        assertThatThrownBy(() -> SnapbackConfig.fromJson("{\"snapbackKeyArns\": [\"alias/alerts\"]}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("snapbackKeyArns: ");
        SnapbackConfig config = SnapbackConfig.fromJson("{\"managedPrincipals\": [\"arn:aws:iam::111122223333:role/key-rotation\"],"
                + " \"snapbackKeyArns\": [\"arn:aws:kms:us-east-1:111122223333:key/5a5a5a5a-1111-4222-8333-444455556666\"]}");
        assertThat(config.settings(KmsKeySettings.class).managedPrincipals()).isEqualTo(config.settings(KeySettings.class).managedPrincipals());
        assertThat(config.settings(KmsKeySettings.class).snapbackKeyArns()).isEqualTo(config.settings(TamperSettings.class).snapbackKeyArns());
    }
}
