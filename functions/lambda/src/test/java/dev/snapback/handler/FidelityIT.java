package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * The AWS CLI's most common way to open a port, {@code aws ec2 authorize-security-group-ingress --group-id --protocol
 * --port --cidr}, end to end: made on the AWS API emulator with the same top-level parameters, recorded as CloudTrail
 * records it (top-level {@code ipProtocol}, {@code fromPort}, {@code toPort}, {@code cidrIp}, {@code ipPermissions}
 * empty, the created rules in {@code responseElements.securityGroupRuleSet}), and handed to the real handler.
 */
class FidelityIT {

    private static final String REGION = "us-east-1";

    private Emulator aws;

    @BeforeEach
    void start() {
        aws = Emulator.start(REGION);
    }

    @Test
    void exactlyTheRulesTheResponseListsAreRevoked() {
        Ec2Client ec2 = aws.clients().ec2(REGION);
        String group = ec2.createSecurityGroup(r -> r.groupName(aws.name("cli")).description("Snapback integration test")).groupId();
        String https = ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(IpPermission.builder()
                .ipProtocol("tcp").fromPort(443).toPort(443).ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build()))
                .securityGroupRules().getFirst().securityGroupRuleId();
        String trusted = ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(IpPermission.builder()
                .ipProtocol("tcp").fromPort(22).toPort(22).ipRanges(IpRange.builder().cidrIp("10.0.0.0/8").build()).build()))
                .securityGroupRules().getFirst().securityGroupRuleId();
        List<SecurityGroupRule> created = ec2.authorizeSecurityGroupIngress(r -> r.groupId(group)
                .ipProtocol("tcp").fromPort(22).toPort(22).cidrIp("0.0.0.0/0")).securityGroupRules();
        assertThat(created).as("the emulator answered with the rules it created").isNotEmpty();

        JsonNode summary = aws.handler(Family.SECURITY_GROUPS, aws.auditTable(), aws.alertTopic(), null)
                .invoke(recorded(group, created));

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        List<String> remaining = ec2.describeSecurityGroupRules(r -> r.filters(Filter.builder().name("group-id").values(group).build()))
                .securityGroupRules().stream().filter(rule -> !Boolean.TRUE.equals(rule.isEgress()))
                .map(SecurityGroupRule::securityGroupRuleId).toList();
        assertThat(remaining).as("the rules the call created are gone, no other").containsExactlyInAnyOrder(https, trusted);
    }

    /** The CloudTrail record of the top-level call, with the rule set the emulator answered. */
    private static ObjectNode recorded(String group, List<SecurityGroupRule> created) {
        return Emulator.event("security-group-opened/finding/AuthorizeSecurityGroupIngress-cli-top-level-ssh.json", detail -> {
            detail.put("awsRegion", REGION);
            ((ObjectNode) detail.get("requestParameters")).put("groupId", group);
            ArrayNode items = (ArrayNode) detail.at("/responseElements/securityGroupRuleSet/items");
            items.removeAll();
            for (SecurityGroupRule rule : created) {
                items.addObject().put("groupOwnerId", Emulator.ACCOUNT).put("groupId", group)
                        .put("securityGroupRuleId", rule.securityGroupRuleId()).put("isEgress", false)
                        .put("ipProtocol", rule.ipProtocol()).put("fromPort", rule.fromPort()).put("toPort", rule.toPort())
                        .put("cidrIpv4", rule.cidrIpv4());
            }
        });
    }
}
