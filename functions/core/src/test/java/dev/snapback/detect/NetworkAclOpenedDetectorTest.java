package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.RemoveNetworkAclEntry;
import dev.snapback.testing.Fixtures;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Edge cases of {@link NetworkAclOpenedDetector} beyond the fixtures: spellings, breadth, and what is never deleted. */
class NetworkAclOpenedDetectorTest {

    private static final String SSH = "network-acl-opened/finding/CreateNetworkAclEntry-ssh-from-world.json";

    private final NetworkAclOpenedDetector detector = new NetworkAclOpenedDetector(Fixtures.config().settings(NetworkAclSettings.class));

    @Test
    void aProtocolNumberWithLeadingZerosIsTheSameProtocolAndIsDeletedAsSuch() {
        assertThat(onlyFinding(detector.evaluate(ssh(request -> request.put("aclProtocol", "006")))).proposed()).isEqualTo(
                new RemoveNetworkAclEntry("acl-0a1b2c3d4e5f60001", 110, new IngressRule(null, "6", 22, 22, "0.0.0.0/0")));
        assertThat(onlyFinding(detector.evaluate(ssh(request -> request.put("aclProtocol", "tcp")))).proposed())
                .isInstanceOf(RemoveNetworkAclEntry.class);
        assertThat(((PageOnly) onlyFinding(detector.evaluate(ssh(request -> request.put("aclProtocol", "300")))).proposed()).reason())
                .contains("names no protocol");
    }

    @Test
    void onlyADenyIsADenyAnythingButAllowOrDenyPages() {
        assertThat(detector.evaluate(ssh(request -> request.put("ruleAction", "DENY")))).isEqualTo(Verdict.clean("a deny entry"));
        assertThat(onlyFinding(detector.evaluate(ssh(request -> request.put("ruleAction", "Allow ")))).proposed())
                .isInstanceOf(RemoveNetworkAclEntry.class);
        assertThat(((PageOnly) onlyFinding(detector.evaluate(ssh(request -> request.put("ruleAction", "permit")))).proposed()).reason())
                .contains("'permit', neither allow nor deny");
    }

    @Test
    void anEntryThatAlsoCarriesTheReturnTrafficIsPagedNeverDeleted() {
        for (Consumer<ObjectNode> everything : List.<Consumer<ObjectNode>>of(
                request -> request.put("aclProtocol", "-1").remove("portRange"),
                request -> request.putObject("portRange").put("from", 0).put("to", 65535),
                request -> request.putObject("portRange").put("from", 22).put("to", 65535))) {
            assertThat(((PageOnly) onlyFinding(detector.evaluate(ssh(everything))).proposed()).reason())
                    .contains("also lets in the subnets' return traffic");
        }
    }

    @Test
    void aReplacedEntryIsPagedNeverDeleted() {
        var replaced = event(SSH, detail -> detail.put("eventName", "ReplaceNetworkAclEntry"));

        assertThat(((PageOnly) onlyFinding(detector.evaluate(replaced)).proposed()).reason())
                .contains("the entry it replaced is not in the event");
    }

    @Test
    void theWorldIsAsBroadAsForSecurityGroups() {
        var strict = new NetworkAclOpenedDetector(new NetworkAclSettings(Set.of(80, 443), List.of(1024, 65535), 16, 48));
        var slash8 = ssh(request -> request.put("cidrBlock", "3.0.0.0/8"));

        assertThat(detector.evaluate(slash8)).isEqualTo(Verdict.clean("source 3.0.0.0/8 is not the internet"));
        assertThat(onlyFinding(strict.evaluate(slash8)).proposed()).isInstanceOf(RemoveNetworkAclEntry.class);
    }

    private static CloudTrailEvent ssh(Consumer<ObjectNode> editRequest) {
        return event(SSH, detail -> editRequest.accept((ObjectNode) detail.get("requestParameters")));
    }
}
