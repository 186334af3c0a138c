package dev.snapback.remediate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.snapback.testing.AwsStub.ec2Error;
import static dev.snapback.testing.AwsStub.form;
import static dev.snapback.testing.AwsStub.query;
import static dev.snapback.testing.AwsStub.xml;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.EventParser;
import dev.snapback.model.Outcome;
import dev.snapback.testing.AwsAnswers;
import dev.snapback.testing.AwsStub;
import dev.snapback.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading a network ACL before deleting the entry an event created, on EC2's query wire, with the event of
 * {@code network-acl-opened}'s fixture: entry 110 of acl-0a1b2c3d4e5f60001, 22/tcp from 0.0.0.0/0, in eu-west-1.
 */
class RemoveNetworkAclEntryTest {

    @RegisterExtension
    static final AwsStub AWS = new AwsStub("us-east-1");

    private static final AwsAnswers ANSWER = new AwsAnswers(AWS);
    private static final String ACL = "acl-0a1b2c3d4e5f60001";
    private static final RemoveNetworkAclEntry FIX = new RemoveNetworkAclEntry(ACL, 110,
            new IngressRule(null, "6", 22, 22, "0.0.0.0/0"));

    private static CloudTrailEvent created;

    @BeforeAll
    static void event() throws IOException {
        created = EventParser.parse(Files.readAllBytes(Fixtures.eventsDir()
                .resolve("network-acl-opened/finding/CreateNetworkAclEntry-ssh-from-world.json")));
    }

    @Test
    void anEntryStillAsTheEventMadeItIsDeletedAndOnlyThatOne() {
        ANSWER.networkAcl(ACL, new String[] {"110", "true", "allow", "-1", "0.0.0.0/0", "", ""},
                new String[] {"110", "false", "allow", "6", "0.0.0.0/0", "22", "22"},
                new String[] {"32767", "false", "deny", "-1", "0.0.0.0/0", "", ""});
        AWS.stubFor(query("DeleteNetworkAclEntry").willReturn(xml(200, "<DeleteNetworkAclEntryResponse "
                + AwsAnswers.EC2_NS + "><requestId>r</requestId><return>true</return></DeleteNetworkAclEntryResponse>")));

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, created);

        assertThat(outcome).isEqualTo(new Outcome.Remediated(
                List.of("delete ingress entry 110 (22/tcp from 0.0.0.0/0) of " + ACL + " in eu-west-1"),
                List.of("aws ec2 create-network-acl-entry --region eu-west-1 --network-acl-id " + ACL + " --ingress"
                        + " --rule-number 110 --protocol 6 --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action allow")));
        List<LoggedRequest> calls = AWS.findAll(anyRequestedFor(anyUrl()));
        assertThat(form(calls.get(0))).isEqualTo(Map.of("Action", "DescribeNetworkAcls", "Version", "2016-11-15",
                "NetworkAclId.1", ACL));
        assertThat(form(calls.get(1))).isEqualTo(Map.of("Action", "DeleteNetworkAclEntry", "Version", "2016-11-15",
                "NetworkAclId", ACL, "RuleNumber", "110", "Egress", "false"));
        assertThat(calls).allSatisfy(call -> assertThat(AwsStub.scope(call)).isEqualTo("eu-west-1/ec2"));
    }

    @Test
    void anEntryReplacedSinceIsANewerChangeAndLeftAlone() {
        ANSWER.networkAcl(ACL, new String[] {"110", "false", "allow", "6", "198.51.100.0/24", "22", "22"});

        Outcome outcome = new SdkRemediationExecutor(AWS.clients()).execute(FIX, created);

        assertThat(outcome).isEqualTo(new Outcome.Superseded("ingress entry 110 of " + ACL + " changed since the event and"
                + " is left as it is: now allow protocol 6 ports 22-22 from 198.51.100.0/24"));
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).containsExactly("DescribeNetworkAcls");
    }

    @Test
    void anEntryTurnedIntoADenyOrWithOtherPortsIsLeftAlone() {
        for (String[] since : List.of(new String[] {"110", "false", "deny", "6", "0.0.0.0/0", "22", "22"},
                new String[] {"110", "false", "allow", "6", "0.0.0.0/0", "443", "443"},
                new String[] {"110", "false", "allow", "17", "0.0.0.0/0", "22", "22"})) {
            ANSWER.networkAcl(ACL, since);

            assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, created)).as(String.join(" ", since))
                    .isInstanceOf(Outcome.Superseded.class);
        }
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).doesNotContain("DeleteNetworkAclEntry");
    }

    @Test
    void aGoneEntryOrACLHasNothingToDelete() {
        ANSWER.networkAcl(ACL, new String[] {"110", "true", "allow", "6", "0.0.0.0/0", "22", "22"});

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, created))
                .isEqualTo(new Outcome.AlreadyCompliant(ACL + " has no ingress entry 110 any more"));

        AWS.stubFor(query("DescribeNetworkAcls").willReturn(ec2Error(400, "InvalidNetworkAclID.NotFound",
                "The networkAcl ID '" + ACL + "' does not exist")));

        assertThat(new SdkRemediationExecutor(AWS.clients()).execute(FIX, created)).isInstanceOf(Outcome.AlreadyCompliant.class);
        assertThat(AWS.findAll(anyRequestedFor(anyUrl()))).extracting(AwsStub::operation).doesNotContain("DeleteNetworkAclEntry");
    }
}
