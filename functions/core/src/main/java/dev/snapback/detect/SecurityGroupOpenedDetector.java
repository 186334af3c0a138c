package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.detect.IngressReading.Grant;
import dev.snapback.model.Cidr;
import dev.snapback.model.Family;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.IngressRule;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.RevokeIngress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Ingress opened to the world, to an over-broad range, or to an untrusted range, on a non-public port.
 *
 * <p>Every IPv4/IPv6 source the call allowed in is judged on its own:
 * <ul>
 *   <li>{@code 0.0.0.0/0}, {@code ::/0}, and untrusted ranges shorter than the configured minimum prefix (which
 *       catches {@code 0.0.0.0/1} + {@code 128.0.0.0/1}): one HIGH finding per event that revokes exactly those
 *       rules, by the rule IDs in {@code responseElements.securityGroupRuleSet}, or by the exact permissions when
 *       the event carries no IDs;</li>
 *   <li>other sources outside the trusted CIDRs: a MEDIUM page, nothing revoked;</li>
 *   <li>trusted sources, security-group references (including a group referencing itself) and prefix lists: fine.</li>
 * </ul>
 * A source is fine on any protocol when all its ports are public ports (tcp and udp). ICMP and ICMPv6 are never
 * flagged: they reach no listening service (their "ports" are message types and codes), and hosts need some of
 * them from anywhere (fragmentation needed, packet too big) for path MTU discovery, so revoking them breaks traffic.
 * A part of the event that cannot be read with certainty is paged with the reason and never revoked.
 */
public record SecurityGroupOpenedDetector(SecurityGroupSettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "security-group-opened",
            "Security group opened",
            Family.SECURITY_GROUPS,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("ec2", "AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules")),
            RevokeIngress.GRANTS);

    private static final String GROUP = "AWS::EC2::SecurityGroup";
    /** Sources nothing outside the host or its link can reach: loopback and link-local, IPv4 and IPv6. */
    private static final List<Cidr> UNREACHABLE = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"));

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        return switch (event.eventName()) {
            case "AuthorizeSecurityGroupIngress" -> judge(event, IngressReading.groupOf(event), IngressReading.authorized(event, grant -> exposure(grant) == Exposure.OPEN));
            case "ModifySecurityGroupRules" -> {
                JsonNode request = event.request().path("ModifySecurityGroupRulesRequest");
                yield judge(event, Fields.text(request, "GroupId"), IngressReading.modified(request));
            }
            default -> Verdict.clean(event.eventName() + " adds no ingress");
        };
    }

    /** How far a grant opens its group; {@code fine} says why the harmless ones are harmless. */
    private enum Exposure {
        ICMP("ICMP is not flagged"), PUBLIC_PORTS("public ports only"),
        UNREACHABLE("loopback or link-local: not reachable from outside"), TRUSTED("trusted source"), UNTRUSTED(null),
        OPEN(null);

        final String fine;

        Exposure(String fine) {
            this.fine = fine;
        }
    }

    private Exposure exposure(Grant grant) {
        String protocol = grant.protocol();
        if (protocol.equals("icmp") || protocol.equals("icmpv6")) return Exposure.ICMP;
        if ((protocol.equals("tcp") || protocol.equals("udp"))
                && IntStream.rangeClosed(grant.fromPort(), grant.toPort()).allMatch(settings.publicPorts()::contains)) {
            return Exposure.PUBLIC_PORTS;
        }
        // The whole internet is never trusted, whatever the trusted list says; broad trusted ranges
        // (the default fc00::/7) are.
        if (grant.cidr().isWorld()) return Exposure.OPEN;
        if (UNREACHABLE.stream().anyMatch(range -> range.contains(grant.cidr()))) return Exposure.UNREACHABLE;
        if (settings.isTrusted(grant.cidr())) return Exposure.TRUSTED;
        return settings.isBroad(grant.cidr()) ? Exposure.OPEN : Exposure.UNTRUSTED;
    }

    private Verdict judge(CloudTrailEvent event, String groupId, IngressReading reading) {
        if (groupId == null) {
            return Verdict.flagged(new Finding(SPEC.id(), Severity.HIGH, event.eventName() + " needs review",
                    new ResourceRef("AWS::CloudTrail::Event", event.eventId()),
                    new PageOnly("the " + event.eventName() + " request names no security group ID"
                            + (Fields.text(event.request(), "groupName") == null ? ""
                                    : " (only the name " + Fields.text(event.request(), "groupName") + ", and the response no rule set)")
                            + ", so Snapback cannot tell which group changed; nothing was changed, please review it"),
                    Map.of(), event));
        }
        List<Grant> open = reading.grants().stream().filter(g -> exposure(g) == Exposure.OPEN).toList();
        List<Grant> untrusted = reading.grants().stream().filter(g -> exposure(g) == Exposure.UNTRUSTED).toList();
        ResourceRef group = new ResourceRef(GROUP, groupId);
        List<Finding> findings = new ArrayList<>();
        if (!open.isEmpty()) {
            List<IngressRule> rules = open.stream().map(g -> g.rule(g.ruleId())).toList();
            findings.add(new Finding(SPEC.id(), Severity.HIGH, title(groupId, open.getFirst(), open.size()), group,
                    new RevokeIngress(groupId, rules), context(groupId, open, reading), event));
        }
        if (!untrusted.isEmpty()) {
            findings.add(new Finding(SPEC.id(), Severity.MEDIUM, title(groupId, untrusted.getFirst(), untrusted.size())
                    + " (untrusted source)", group,
                    new PageOnly("ingress from sources outside the trusted ranges that are not world-open: "
                            + describe(untrusted) + "; nothing was revoked, please confirm the sources are intended"),
                    context(groupId, untrusted, reading), event));
        }
        if (!reading.problems().isEmpty()) {
            findings.add(new Finding(SPEC.id(), Severity.HIGH, groupId + " ingress change needs review", group,
                    new PageOnly("Snapback could not read part of this " + event.eventName() + " event ("
                            + String.join("; ", reading.problems()) + "); nothing was revoked for it, please review"),
                    Map.of("group", groupId), event));
        }
        return findings.isEmpty() ? Verdict.clean(fine(reading.grants())) : Verdict.flagged(findings);
    }

    private String fine(List<Grant> grants) {
        if (grants.isEmpty()) return "only security-group references and prefix lists were let in";
        return "nothing opened to the world or to untrusted sources: " + String.join(", ",
                grants.stream().map(g -> g.describe() + " (" + exposure(g).fine + ")").toList());
    }

    private static String title(String groupId, Grant first, int count) {
        return groupId + " opened " + first.rule(null).describePorts() + " to " + first.cidrText()
                + (count > 1 ? " and " + (count - 1) + " more" : "");
    }

    private static String describe(List<Grant> grants) {
        return String.join(", ", grants.stream().map(Grant::describe).toList());
    }

    private static Map<String, String> context(String groupId, List<Grant> grants, IngressReading reading) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("group", groupId);
        context.put("rules", describe(grants));
        if (reading.modifiedRules()) {
            context.put("change", "ModifySecurityGroupRules rewrote existing rules; CloudTrail records only their new"
                    + " form, so their previous form is unknown and revoking removes them rather than restoring them."
                    + " The event does not say whether a rule is ingress or egress: an egress rule ID revoked as"
                    + " ingress changes nothing");
        } else if (grants.stream().anyMatch(g -> g.ruleId() == null)) {
            context.put("change", "the event carries no rule IDs, so the exact permissions are named instead");
        }
        return context;
    }
}
