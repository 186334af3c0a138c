package dev.snapback.detect;

import static dev.snapback.detect.DetectorAssertions.onlyFinding;
import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** Edge cases of {@link NetworkEdgeChangedDetector} beyond the fixtures: partial requests and the older request forms. */
class NetworkEdgeChangedDetectorTest {

    private static final String ROUTE = "network-edge-changed/finding/CreateRoute-default-to-internet-gateway.json";
    private static final String SOURCE_DEST = "network-edge-changed/finding/ModifyInstanceAttribute-source-dest-check-off.json";
    private static final String PEERING = "network-edge-changed/finding/CreateVpcPeeringConnection-from-untrusted-account.json";

    private final NetworkEdgeChangedDetector detector = new NetworkEdgeChangedDetector(Fixtures.config().settings(NetworkEdgeSettings.class));

    @Test
    void aRouteToAnInternetGatewayWithoutItsDestinationStillPages() {
        var noDestination = event(ROUTE, detail -> ((ObjectNode) detail.get("requestParameters")).remove("destinationCidrBlock"));

        Finding finding = onlyFinding(detector.evaluate(noDestination));

        assertThat(finding.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(finding.title()).isEqualTo("route to igw-0a1b2c3d4e5f60001 (rtb-0a1b2c3d4e5f60001)");
        assertThat(finding.context()).containsEntry("route target", "igw-0a1b2c3d4e5f60001").doesNotContainKey("destination");
    }

    @Test
    void aRouteToACarrierGatewayPagesAndOneWithoutATargetPagesForReview() {
        var carrier = event(ROUTE, detail -> ((ObjectNode) detail.get("requestParameters")).put("carrierGatewayId", "cagw-0a1b2c3d4e5f60001")
                .remove("gatewayId"));
        var noTarget = event(ROUTE, detail -> ((ObjectNode) detail.get("requestParameters")).remove("gatewayId"));

        assertThat(onlyFinding(detector.evaluate(carrier)).severity()).isEqualTo(Severity.HIGH);
        assertThat(onlyFinding(detector.evaluate(noTarget)).title()).endsWith("needs review");
    }

    @Test
    void theAttributeFormOfSourceDestCheckIsReadToo() {
        var attributeForm = event(SOURCE_DEST, detail -> {
            ObjectNode request = (ObjectNode) detail.get("requestParameters");
            request.remove("sourceDestCheck");
            request.put("attribute", "sourceDestCheck").put("value", "false");
        });

        assertThat(onlyFinding(detector.evaluate(attributeForm)).title()).startsWith("source/destination check turned off");
        assertThat(onlyFinding(detector.evaluate(event(SOURCE_DEST, detail -> ((ObjectNode) detail.at("/requestParameters/sourceDestCheck"))
                .put("value", "false")))).title()).as("the value as a string").startsWith("source/destination check turned off");
        assertThat(detector.evaluate(event(SOURCE_DEST, detail -> ((ObjectNode) detail.at("/requestParameters/sourceDestCheck"))
                .put("value", true)))).isInstanceOf(Verdict.Clean.class);
    }

    @Test
    void aPeeringEventWithoutItsAccountsPagesForReviewAndRejectsNothing() {
        var noIds = event(PEERING, detail -> ((ObjectNode) detail.at("/responseElements/vpcPeeringConnection")).remove("vpcPeeringConnectionId"));

        Finding finding = onlyFinding(detector.evaluate(noIds));

        assertThat(finding.title()).endsWith("needs review");
        assertThat(finding.proposed()).isInstanceOf(PageOnly.class);
    }
}
