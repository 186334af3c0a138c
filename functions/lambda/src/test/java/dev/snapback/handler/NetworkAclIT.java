package dev.snapback.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Family;
import dev.snapback.testing.Emulator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * {@code network-acl-opened} end to end on the AWS API emulator: an entry letting 22/tcp in from the internet is
 * created in a network ACL there, the handler gets the real-shaped event, and the ACL's entries are read back.
 */
class NetworkAclIT {

    private static final String REMEDIATE = "{\"modes\": {\"network-acl-opened\": \"remediate\"}}";
    private static final String REGION = "eu-west-1";

    private Emulator aws;
    private String table;
    private String topic;
    private Ec2Client ec2;
    private String acl;

    @BeforeEach
    void start() {
        aws = Emulator.start(REGION);
        table = aws.auditTable();
        topic = aws.alertTopic();
        ec2 = aws.clients().ec2(REGION);
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.20.0.0/16")).vpc().vpcId();
        acl = ec2.createNetworkAcl(r -> r.vpcId(vpc)).networkAcl().networkAclId();
    }

    @Test
    void inRemediateModeTheEntryIsDeletedAndTheOthersKept() {
        allowSsh(110, "0.0.0.0/0");
        ec2.createNetworkAclEntry(r -> r.networkAclId(acl).ruleNumber(200).egress(false).ruleAction(RuleAction.ALLOW)
                .protocol("6").portRange(p -> p.from(443).to(443)).cidrBlock("0.0.0.0/0"));

        JsonNode summary = aws.handler(Family.NETWORK, table, topic, REMEDIATE).invoke(event());

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("remediated");
        assertThat(ingress()).extracting(NetworkAclEntry::ruleNumber).containsExactly(200);
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ");
            assertThat(page.text()).contains("delete ingress entry 110 (22/tcp from 0.0.0.0/0) of " + acl,
                    "aws ec2 create-network-acl-entry --region eu-west-1 --network-acl-id " + acl);
        });
    }

    @Test
    void byDefaultItPagesAndLeavesTheEntry() {
        allowSsh(110, "0.0.0.0/0");

        JsonNode summary = aws.handler(Family.NETWORK, table, topic, "{}").invoke(event());

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("paged");
        assertThat(ingress()).extracting(NetworkAclEntry::ruleNumber).containsExactly(110);
        assertThat(aws.published(topic)).singleElement().satisfies(page -> {
            assertThat(page.subject()).startsWith("[HIGH] ").contains(acl + " entry 110 lets in 22/tcp");
            assertThat(page.text()).contains(acl + " entry 110 lets in 22/tcp from 0.0.0.0/0", "delete ingress entry 110");
        });
    }

    @Test
    void anEntryNarrowedSinceIsNeverUndone() {
        allowSsh(110, "198.51.100.0/24");

        JsonNode summary = aws.handler(Family.NETWORK, table, topic, REMEDIATE).invoke(event());

        assertThat(summary.at("/results/0/outcome").asText()).isEqualTo("superseded");
        assertThat(ingress()).singleElement().satisfies(entry -> assertThat(entry.cidrBlock()).isEqualTo("198.51.100.0/24"));
        assertThat(aws.published(topic)).singleElement().satisfies(page -> assertThat(page.subject()).startsWith("[LOW] "));
    }

    private void allowSsh(int ruleNumber, String cidr) {
        ec2.createNetworkAclEntry(r -> r.networkAclId(acl).ruleNumber(ruleNumber).egress(false).ruleAction(RuleAction.ALLOW)
                .protocol("6").portRange(p -> p.from(22).to(22)).cidrBlock(cidr));
    }

    private List<NetworkAclEntry> ingress() {
        return ec2.describeNetworkAcls(r -> r.networkAclIds(acl)).networkAcls().getFirst().entries().stream()
                .filter(entry -> !entry.egress()).toList();
    }

    /** The fixture's CreateNetworkAclEntry, pointed at the ACL the emulator made. */
    private ObjectNode event() {
        return Emulator.event("network-acl-opened/finding/CreateNetworkAclEntry-ssh-from-world.json",
                detail -> ((ObjectNode) detail.get("requestParameters")).put("networkAclId", acl));
    }
}
