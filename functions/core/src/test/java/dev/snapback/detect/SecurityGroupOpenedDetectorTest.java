package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.findings;
import static dev.snapback.detect.DetectorAssertions.ignoredBecause;
import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.config.SnapbackConfig;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Severity;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.RevokeIngress;
import dev.snapback.testing.Fixtures;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


/** Edge cases between the fixtures: each starts from a real-shaped fixture and changes one thing. */
class SecurityGroupOpenedDetectorTest {

    private static final String SSH_WORLD = "security-group-opened/finding/AuthorizeSecurityGroupIngress-ipv4-world-ssh.json";
    private static final String MODIFIED = "security-group-opened/finding/ModifySecurityGroupRules-world-ssh.json";
    private static final String GROUP = "sg-0a1b2c3d4e5f60001";
    private static final String RULE = "sgr-0e1f2a3b4c5d60001";

    private final SecurityGroupOpenedDetector detector = new SecurityGroupOpenedDetector(Fixtures.config().settings(SecurityGroupSettings.class));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            AuthorizeSecurityGroupIngress-https-world             | 443/tcp from ::/0 (sgr-0e1f2a3b4c5d60202) (public ports only)
            AuthorizeSecurityGroupIngress-trusted-10-8-ssh        | 22/tcp from 10.0.0.0/8 (sgr-0e1f2a3b4c5d60021) (trusted source)
            AuthorizeSecurityGroupIngress-trusted-ipv6-ula        | 22/tcp from fc00::/7 (sgr-0e1f2a3b4c5d60028) (trusted source)
            AuthorizeSecurityGroupIngress-icmp-echo-world         | icmp from 0.0.0.0/0 (sgr-0e1f2a3b4c5d60026) (ICMP is not flagged)
            AuthorizeSecurityGroupIngress-self-referencing-group  | only security-group references and prefix lists were let in
            AuthorizeSecurityGroupIngress-prefix-list             | only security-group references and prefix lists were let in
            AuthorizeSecurityGroupIngress-aws-service             | made by the AWS service elasticmapreduce.amazonaws.com
            AuthorizeSecurityGroupIngress-snapback-role           | made by Snapback's own role
            ModifySecurityGroupRules-trusted-range                | 22/tcp from 172.16.0.0/12 (sgr-0e1f2a3b4c5d60027) (trusted source)
            """)
    void eachIgnoredFixtureIsIgnoredForItsOwnReason(String fixture, String reason) {
        CloudTrailEvent event = event("security-group-opened/ignored-by-detector/" + fixture + ".json");

        assertThat(ignoredBecause(detector, event)).contains(reason);
    }

    @Test
    void revokesTheRuleTheCallCreatedByItsId() {
        Finding finding = onlyFinding(detector.evaluate(event(SSH_WORLD)));

        assertThat(finding.title()).isEqualTo(GROUP + " opened 22/tcp to 0.0.0.0/0");
        assertThat(finding.proposed()).isEqualTo(new RevokeIngress(GROUP,
                List.of(new IngressRule(RULE, "tcp", 22, 22, "0.0.0.0/0"))));
        assertThat(finding.context()).containsEntry("rules", "22/tcp from 0.0.0.0/0 (" + RULE + ")");
    }

    @Test
    void protocolNumbersMatchTheRuleEc2DescribesByName() {
        Finding finding = onlyFinding(detector.evaluate(event(SSH_WORLD, permission(p -> p.put("ipProtocol", "6")))));

        assertThat(finding.proposed()).isEqualTo(new RevokeIngress(GROUP,
                List.of(new IngressRule(RULE, "tcp", 22, 22, "0.0.0.0/0"))));
    }

    @Test
    void aProtocolWithoutPortsOpenToTheWorldIsRevokedWhole() {
        CloudTrailEvent gre = event(SSH_WORLD, d -> {
            ObjectNode permission = firstPermission(d);
            permission.put("ipProtocol", "47").remove(List.of("fromPort", "toPort"));
            ((ObjectNode) d.get("responseElements")).remove("securityGroupRuleSet");
        });

        assertThat(onlyFinding(detector.evaluate(gre)).proposed()).isEqualTo(new RevokeIngress(GROUP,
                List.of(new IngressRule(null, "47", null, null, "0.0.0.0/0"))));
    }

    @Test
    void theResponsesRulesAreJudgedAndARequestedRuleItDoesNotListIsPagedNeverGuessed() {
        CloudTrailEvent event = event(SSH_WORLD, d -> ruleSetItem(d).put("toPort", 23));

        List<Finding> findings = findings(detector.evaluate(event));

        assertThat(findings.getFirst().proposed()).as("the rule AWS says it created, by its id")
                .isEqualTo(new RevokeIngress(GROUP, List.of(new IngressRule(RULE, "tcp", 22, 23, "0.0.0.0/0"))));
        assertThat(((PageOnly) findings.get(1).proposed()).reason())
                .contains("securityGroupRuleSet has no single rule ID for 22/tcp from 0.0.0.0/0");
    }

    @Test
    void anEgressRuleInTheResponseIsNotTakenForTheIngressRule() {
        CloudTrailEvent event = event(SSH_WORLD, d -> ruleSetItem(d).put("isEgress", true));

        assertThat(onlyFinding(detector.evaluate(event)).proposed()).isInstanceOf(PageOnly.class);
    }

    @Test
    void whatCanBeReadIsRevokedAndWhatCannotIsPaged() {
        CloudTrailEvent event = event(SSH_WORLD, d -> {
            ArrayNode permissions = (ArrayNode) d.at("/requestParameters/ipPermissions/items");
            permissions.addObject().put("ipProtocol", "tcp").put("fromPort", 3389).put("toPort", 3389)
                    .putObject("ipRanges").putArray("items").addObject().put("cidrIp", "0.0.0.0/33");
        });

        List<Finding> findings = findings(detector.evaluate(event));

        assertThat(findings).extracting(Finding::proposed).first().isEqualTo(new RevokeIngress(GROUP,
                List.of(new IngressRule(RULE, "tcp", 22, 22, "0.0.0.0/0"))));
        assertThat(findings.get(1).severity()).isEqualTo(Severity.HIGH);
        assertThat(((PageOnly) findings.get(1).proposed()).reason())
                .contains("unreadable source: prefix length out of range: 0.0.0.0/33");
    }

    @Test
    void reversedOrOutOfRangePortsAreNotJudged() {
        CloudTrailEvent reversed = event(SSH_WORLD, permission(p -> p.put("fromPort", 25).put("toPort", 20)));
        CloudTrailEvent tooHigh = event(SSH_WORLD, permission(p -> p.put("toPort", 70000)));

        for (CloudTrailEvent event : List.of(reversed, tooHigh)) {
            assertThat(onlyFinding(detector.evaluate(event)).proposed()).isInstanceOf(PageOnly.class);
        }
    }

    @Test
    void anEmptyRequestIsPagedNotPassedAndTheRulesTheResponseListsAreStillRevoked() {
        CloudTrailEvent event = event(SSH_WORLD, d -> ((ObjectNode) d.get("requestParameters")).remove("ipPermissions"));
        CloudTrailEvent neither = event(SSH_WORLD, d -> {
            ((ObjectNode) d.get("requestParameters")).remove("ipPermissions");
            d.putNull("responseElements");
        });

        List<Finding> findings = findings(detector.evaluate(event));
        assertThat(findings.getFirst().proposed()).isInstanceOf(RevokeIngress.class);
        assertThat(((PageOnly) findings.get(1).proposed()).reason()).contains("the request lists no ipPermissions");
        assertThat(((PageOnly) onlyFinding(detector.evaluate(neither)).proposed()).reason())
                .contains("the request lists no ipPermissions");
    }

    @Test
    void portsAreJudgedAgainstTheConfiguredPublicPorts() {
        SnapbackConfig sshIsPublic = config("{\"publicPorts\": [22, 443]}");
        CloudTrailEvent range = event(SSH_WORLD, permission(p -> p.put("fromPort", 22).put("toPort", 23)));

        assertThat(new SecurityGroupOpenedDetector(sshIsPublic.settings(SecurityGroupSettings.class)).evaluate(event(SSH_WORLD)))
                .isInstanceOf(Verdict.Clean.class);
        assertThat(new SecurityGroupOpenedDetector(sshIsPublic.settings(SecurityGroupSettings.class)).evaluate(range)).isInstanceOf(Verdict.Flagged.class);
    }

    @Test
    void trustWinsOverBreadthButNeverOverTheWholeInternet() {
        SnapbackConfig config = config("{\"minPrefixV4\": 16, \"trustedCidrs\": [\"0.0.0.0/0\", \"10.0.0.0/8\"]}");
        var strictDetector = new SecurityGroupOpenedDetector(config.settings(SecurityGroupSettings.class));
        CloudTrailEvent trustedBroad = event(SSH_WORLD, source("10.0.0.0/8"));

        assertThat(strictDetector.evaluate(trustedBroad)).isInstanceOf(Verdict.Clean.class);
        assertThat(onlyFinding(strictDetector.evaluate(event(SSH_WORLD))).proposed())
                .isInstanceOf(RevokeIngress.class);
    }

    @Test
    void aRangeBroaderThanTheMinimumPrefixCountsAsWorldOpen() {
        CloudTrailEvent slash7 = event(SSH_WORLD, source("100.0.0.0/7"));
        CloudTrailEvent slash8 = event(SSH_WORLD, source("100.0.0.0/8"));

        assertThat(onlyFinding(detector.evaluate(slash7)).proposed()).isEqualTo(new RevokeIngress(GROUP,
                List.of(new IngressRule(RULE, "tcp", 22, 22, "100.0.0.0/7"))));
        Finding untrusted = onlyFinding(detector.evaluate(slash8));
        assertThat(untrusted.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(untrusted.title()).isEqualTo(GROUP + " opened 22/tcp to 100.0.0.0/8 (untrusted source)");
    }

    @Test
    void icmpIsNeverFlaggedEvenFromTheWholeInternet() {
        CloudTrailEvent icmpv6 = event(SSH_WORLD, d -> {
            ObjectNode permission = firstPermission(d).put("ipProtocol", "58").put("fromPort", -1).put("toPort", -1);
            permission.putObject("ipRanges");
            permission.putObject("ipv6Ranges").putArray("items").addObject().put("cidrIpv6", "::/0");
            ruleSetItem(d).put("ipProtocol", "58").put("fromPort", -1).put("toPort", -1).put("cidrIpv6", "::/0").remove("cidrIpv4");
        });

        assertThat(detector.evaluate(icmpv6)).isInstanceOf(Verdict.Clean.class);
    }

    @Test
    void aModifiedRuleSaysItsPreviousFormIsUnknown() {
        Finding finding = onlyFinding(detector.evaluate(event(MODIFIED)));

        assertThat(finding.context().get("change")).contains("previous form is unknown").contains("egress");
    }

    @Test
    void aRuleModifiedToReferenceAGroupOrAPrefixListIsFine() {
        for (String field : List.of("ReferencedGroupId", "PrefixListId")) {
            CloudTrailEvent event = event(MODIFIED, d -> {
                ObjectNode rule = (ObjectNode) d.at("/requestParameters/ModifySecurityGroupRulesRequest/SecurityGroupRule/SecurityGroupRule");
                rule.remove("CidrIpv4");
                rule.put(field, field.equals("PrefixListId") ? "pl-0a1b2c3d4e5f60001" : "sg-0a1b2c3d4e5f60099");
            });

            assertThat(detector.evaluate(event)).as(field).isInstanceOf(Verdict.Clean.class);
        }
    }

    @Test
    void severalWorldOpenRulesAreOneFindingWithEveryRule() {
        Finding finding = onlyFinding(detector.evaluate(
                event("security-group-opened/finding/AuthorizeSecurityGroupIngress-split-halves-ssh.json")));

        assertThat(finding.title()).isEqualTo("sg-0a1b2c3d4e5f60003 opened 22/tcp to 0.0.0.0/1 and 1 more");
        assertThat(((RevokeIngress) finding.proposed()).rules()).allMatch(rule -> rule.ruleId() != null);
    }

    private static SnapbackConfig config(String json) {
        return SnapbackConfig.fromJson(json);
    }

    private static Consumer<ObjectNode> permission(Consumer<ObjectNode> edit) {
        return d -> {
            ObjectNode permission = firstPermission(d);
            edit.accept(permission);
            permission.properties().forEach(field -> {
                if (field.getKey().endsWith("Port")) ruleSetItem(d).set(field.getKey(), field.getValue());
            });
        };
    }

    /** Changes the source in the request and in the response alike. */
    private static Consumer<ObjectNode> source(String cidr) {
        return d -> {
            ((ObjectNode) firstPermission(d).at("/ipRanges/items/0")).put("cidrIp", cidr);
            ruleSetItem(d).put("cidrIpv4", cidr);
        };
    }

    private static ObjectNode firstPermission(ObjectNode detail) {
        return (ObjectNode) detail.at("/requestParameters/ipPermissions/items/0");
    }

    private static ObjectNode ruleSetItem(ObjectNode detail) {
        return (ObjectNode) detail.at("/responseElements/securityGroupRuleSet/items/0");
    }
}
