package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.RejectVpcPeering;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The network edge changed (CIS 4.12–4.14): internet and egress-only gateways created or attached, routes to them or
 * to peering connections, VPC peering with accounts outside {@code trustedPeerAccounts}, VPN and Direct Connect
 * changes, and source/destination checking (the anti-spoofing guard) turned off on an instance or a network interface.
 *
 * <p>Each pages with its context and nothing is changed, with one exception: in {@code remediate} mode, a peering
 * request that an untrusted account made to one of this account's VPCs is rejected while it is still pending
 * ({@link RejectVpcPeering}). Changes by a managed principal ({@code managedPrincipals}: the pipelines that build
 * networks) are sanctioned. A peering event that does not say which accounts it joins pages for review.
 */
public record NetworkEdgeChangedDetector(NetworkEdgeSettings settings) implements Detector {

    private static final List<String> GATEWAYS = List.of("CreateInternetGateway", "AttachInternetGateway",
            "CreateEgressOnlyInternetGateway");
    private static final List<String> ROUTES = List.of("CreateRoute", "ReplaceRoute");
    private static final List<String> PEERING = List.of("CreateVpcPeeringConnection", "AcceptVpcPeeringConnection");
    private static final List<String> VPN = List.of("CreateCustomerGateway", "DeleteCustomerGateway", "CreateVpnGateway",
            "AttachVpnGateway", "DetachVpnGateway", "DeleteVpnGateway", "CreateVpnConnection", "DeleteVpnConnection",
            "ModifyVpnConnection", "ModifyVpnTunnelOptions", "CreateVpnConnectionRoute");
    private static final List<String> SOURCE_DEST_CHECK = List.of("ModifyInstanceAttribute", "ModifyNetworkInterfaceAttribute");
    private static final List<String> DIRECT_CONNECT = List.of("CreateConnection", "DeleteConnection",
            "CreatePrivateVirtualInterface", "CreatePublicVirtualInterface", "CreateTransitVirtualInterface",
            "AllocatePrivateVirtualInterface", "AllocatePublicVirtualInterface", "AllocateTransitVirtualInterface",
            "ConfirmPrivateVirtualInterface", "ConfirmPublicVirtualInterface", "ConfirmTransitVirtualInterface",
            "DeleteVirtualInterface", "AssociateVirtualInterface", "CreateDirectConnectGateway",
            "CreateDirectConnectGatewayAssociation", "AcceptDirectConnectGatewayAssociationProposal");

    public static final DetectorSpec SPEC = new DetectorSpec(
            "network-edge-changed",
            "Network edge changed",
            Family.NETWORK,
            Severity.HIGH,
            Mode.PAGE,
            List.of(EventPattern.apiCalls("ec2", names(GATEWAYS, ROUTES, PEERING, VPN, SOURCE_DEST_CHECK)),
                    EventPattern.apiCalls("directconnect", DIRECT_CONNECT.toArray(String[]::new))),
            RejectVpcPeering.GRANTS);

    private static final Set<String> EC2_CALLS = Set.of(names(GATEWAYS, ROUTES, PEERING, VPN, SOURCE_DEST_CHECK));

    /** An id a page names: where the request or the response holds it, and the resource it identifies. */
    private record IdField(String field, String label, String resourceType) {
    }

    /** In the order a page names them; the first found is the finding's resource. */
    private static final List<IdField> ID_FIELDS = List.of(
            new IdField("internetGatewayId", "internet gateway", "AWS::EC2::InternetGateway"),
            new IdField("egressOnlyInternetGatewayId", "egress-only internet gateway", "AWS::EC2::EgressOnlyInternetGateway"),
            new IdField("routeTableId", "route table", "AWS::EC2::RouteTable"),
            new IdField("vpnConnectionId", "VPN connection", "AWS::EC2::VPNConnection"),
            new IdField("vpnGatewayId", "VPN gateway", "AWS::EC2::VPNGateway"),
            new IdField("customerGatewayId", "customer gateway", "AWS::EC2::CustomerGateway"),
            new IdField("virtualInterfaceId", "virtual interface", "AWS::DirectConnect::VirtualInterface"),
            new IdField("connectionId", "Direct Connect connection", "AWS::DirectConnect::Connection"),
            new IdField("directConnectGatewayId", "Direct Connect gateway", "AWS::DirectConnect::Gateway"),
            new IdField("instanceId", "instance", "AWS::EC2::Instance"),
            new IdField("networkInterfaceId", "network interface", "AWS::EC2::NetworkInterface"),
            new IdField("vpcId", "VPC", "AWS::EC2::VPC"));
    private static final Set<String> WORLD = Set.of("0.0.0.0/0", "::/0");
    /** Every target a route may name, as CloudTrail records the request. */
    private static final List<String> ROUTE_TARGETS = List.of("gatewayId", "egressOnlyInternetGatewayId", "carrierGatewayId",
            "vpcPeeringConnectionId", "natGatewayId", "transitGatewayId", "localGatewayId", "networkInterfaceId", "instanceId",
            "vpcEndpointId", "coreNetworkArn");
    /** The targets that lead out of the account's networks: internet, egress-only and carrier gateways, and peers. */
    private static final List<String> EDGE_TARGETS = List.of("igw-", "eigw-", "cagw-", "pcx-");

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        boolean ours = event.service().equals("ec2") && EC2_CALLS.contains(event.eventName())
                || event.service().equals("directconnect") && DIRECT_CONNECT.contains(event.eventName());
        if (!ours) return Verdict.clean(event.eventName() + " does not change the network edge");
        if (settings.isManaged(event.actor())) return Verdict.byManagedPrincipal(event.actor());
        String name = event.eventName();
        if (ROUTES.contains(name)) return route(event);
        if (PEERING.contains(name)) return peering(event);
        if (SOURCE_DEST_CHECK.contains(name)) return sourceDestCheck(event);
        if (name.equals("AttachInternetGateway")) {
            return page(event, Severity.HIGH, "internet gateway attached to a VPC", "the VPC's subnets can reach and be"
                    + " reached from the internet once routes point at the gateway; confirm the change is sanctioned");
        }
        if (GATEWAYS.contains(name)) {
            boolean egressOnly = name.equals("CreateEgressOnlyInternetGateway");
            return page(event, Severity.MEDIUM, (egressOnly ? "egress-only internet gateway" : "internet gateway") + " created",
                    egressOnly ? "the VPC's IPv6 traffic can reach the internet once routes point at the gateway; confirm the"
                            + " change is sanctioned" : "it lets the internet in once attached to a VPC and routed to;"
                            + " confirm the change is sanctioned");
        }
        boolean directConnect = event.service().equals("directconnect");
        return page(event, Severity.MEDIUM, (directConnect ? "Direct Connect" : "VPN") + " change: " + name,
                "a private link into the account's networks changed; confirm the change is sanctioned");
    }

    /**
     * A route to an internet, egress-only or carrier gateway, or to a peering connection; the default route to the
     * internet HIGH. A route whose target the request does not name pages for review.
     */
    private Verdict route(CloudTrailEvent event) {
        JsonNode request = event.request();
        String target = firstText(request, ROUTE_TARGETS.toArray(String[]::new));
        if (target == null) return review(event, "the request names no route target");
        if (EDGE_TARGETS.stream().noneMatch(target::startsWith)) {
            return Verdict.clean("the route points at no internet gateway or peering connection");
        }
        String destination = firstText(request, "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId");
        boolean toTheInternet = destination != null && WORLD.contains(destination) && !target.startsWith("pcx-");
        return page(event, toTheInternet ? Severity.HIGH : Severity.MEDIUM,
                "route to " + target + (destination == null ? "" : " for " + destination),
                toTheInternet ? "the subnets of the route table now reach the internet directly,"
                        + " and are reachable from it on any address they hold; confirm the change is sanctioned"
                        : "traffic of the route table's subnets now leaves through " + target + "; confirm the change is sanctioned",
                "route target", target, "destination", destination);
    }

    /**
     * Peering with an account outside the trusted ones: requested by this account, requested of it (rejected in
     * remediate mode while pending), or accepted by it.
     */
    private Verdict peering(CloudTrailEvent event) {
        JsonNode connection = event.response().path("vpcPeeringConnection");
        String id = Fields.text(connection, "vpcPeeringConnectionId");
        String requester = Fields.text(connection, "requesterVpcInfo", "ownerId");
        String accepter = Fields.text(connection, "accepterVpcInfo", "ownerId");
        if (event.eventName().equals("CreateVpcPeeringConnection")) {
            if (requester == null) requester = Fields.text(event.record(), "userIdentity", "accountId");
            if (accepter == null) {
                accepter = Fields.text(event.request(), "peerOwnerId") != null ? Fields.text(event.request(), "peerOwnerId")
                        : requester;
            }
        }
        if (id == null || requester == null || accepter == null) {
            return review(event, "the event does not name the peering connection and both of its accounts");
        }
        String own = event.account();
        String delete = "aws ec2 delete-vpc-peering-connection --region " + event.region() + " --vpc-peering-connection-id " + id;
        Map<String, String> facts = Facts.of(event, "peering connection", id, "requester account", requester,
                "accepter account", accepter, "region", event.region());
        ResourceRef resource = new ResourceRef("AWS::EC2::VPCPeeringConnection", id);
        if (event.eventName().equals("AcceptVpcPeeringConnection")) {
            if (settings.isTrustedPeer(requester, own)) return Verdict.clean("peering accepted from trusted account " + requester);
            return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "VPC peering accepted from untrusted account " + requester,
                    resource, new PageOnly("this account's network is now joined to account " + requester + ", which"
                    + " trustedPeerAccounts does not list; delete the connection unless it is sanctioned: " + delete), facts, event));
        }
        if (requester.equals(own)) {
            if (settings.isTrustedPeer(accepter, own)) return Verdict.clean("peering requested with trusted account " + accepter);
            return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "VPC peering requested with untrusted account " + accepter,
                    resource, new PageOnly("a VPC of this account asked to be joined to account " + accepter + ", which"
                    + " trustedPeerAccounts does not list; delete the request unless it is sanctioned: " + delete), facts, event));
        }
        if (!accepter.equals(own)) return review(event, "the peering joins accounts " + requester + " and " + accepter + ", neither of them this one");
        if (settings.isTrustedPeer(requester, own)) return Verdict.clean("peering requested by trusted account " + requester);
        return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, "VPC peering requested by untrusted account " + requester,
                resource, new RejectVpcPeering(id, requester), facts, event));
    }

    /** Source/destination checking turned off: the interface may then forward, and spoof, others' traffic. */
    private Verdict sourceDestCheck(CloudTrailEvent event) {
        JsonNode request = event.request();
        JsonNode check = request.path("sourceDestCheck").path("value");
        boolean off = check.isBoolean() && !check.booleanValue() || "false".equalsIgnoreCase(check.asText().trim())
                || "sourceDestCheck".equalsIgnoreCase(Fields.text(request, "attribute"))
                        && "false".equalsIgnoreCase(String.valueOf(Fields.text(request, "value")).trim());
        if (!off) return Verdict.clean(event.eventName() + " leaves source/destination checking on");
        return page(event, Severity.HIGH, "source/destination check turned off", "the instance or interface may now"
                + " forward traffic not addressed to it and send traffic from addresses not its own; only NAT and routing"
                + " appliances need that: turn the check back on unless this is one");
    }

    private Verdict page(CloudTrailEvent event, Severity severity, String what, String reason, String... extra) {
        List<String> pairs = new ArrayList<>(List.of("region", event.region()));
        ResourceRef resource = null;
        for (IdField id : ID_FIELDS) {
            String value = idAnywhere(event.request(), id.field());
            if (value == null) value = idAnywhere(event.response(), id.field());
            if (value == null) continue;
            pairs.addAll(List.of(id.label(), value));
            if (resource == null) resource = new ResourceRef(id.resourceType(), value);
        }
        pairs.addAll(Arrays.asList(extra));
        String title = what + (resource == null ? "" : " (" + resource.id() + ")");
        return Verdict.flagged(new Finding(SPEC.id(), severity, title,
                resource != null ? resource : new ResourceRef("AWS::CloudTrail::Event", event.eventId()), new PageOnly(reason),
                Facts.of(event, pairs.toArray(String[]::new)), event));
    }

    private static Verdict review(CloudTrailEvent event, String why) {
        return Verdict.flagged(Finding.needsReview(SPEC.id(), event, why));
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = Fields.text(node, field);
            if (value != null) return value;
        }
        return null;
    }

    /**
     * The id under {@code field} at any depth, in any letter case: newer EC2 calls nest their members
     * ({@code CreateEgressOnlyInternetGatewayRequest.VpcId}), older ones do not.
     */
    private static String idAnywhere(JsonNode node, String field) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (member.getKey().equalsIgnoreCase(field) && member.getValue().isTextual() && !member.getValue().asText().isBlank()) {
                    return member.getValue().asText();
                }
            }
        }
        for (JsonNode child : node) {
            String found = idAnywhere(child, field);
            if (found != null) return found;
        }
        return null;
    }

    @SafeVarargs
    private static String[] names(List<String>... groups) {
        return Arrays.stream(groups).flatMap(List::stream).toArray(String[]::new);
    }
}
