package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
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
import java.util.Objects;
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
    /** The top-level request fields of the API's older single-rule form. */
    private static final List<String> LEGACY_FIELDS = List.of("ipProtocol", "fromPort", "toPort", "cidrIp",
            "sourceSecurityGroupName", "sourceSecurityGroupOwnerId");
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
            case "AuthorizeSecurityGroupIngress" -> judge(event, groupOf(event), authorized(event));
            case "ModifySecurityGroupRules" -> {
                JsonNode request = event.request().path("ModifySecurityGroupRulesRequest");
                yield judge(event, Fields.text(request, "GroupId"), modified(request));
            }
            default -> Verdict.clean(event.eventName() + " adds no ingress");
        };
    }

    /** One CIDR source the call let in, on one protocol and port range; {@code ruleId} when the event names it. */
    private record Grant(String ruleId, String protocol, Integer fromPort, Integer toPort, String cidrText, Cidr cidr) {

        IngressRule rule(String id) {
            boolean allTraffic = "-1".equals(protocol);
            return new IngressRule(id, protocol, allTraffic ? null : fromPort, allTraffic ? null : toPort, cidrText);
        }

        String describe() {
            // ICMP's "ports" are message types and codes: "8--1/icmp" would only confuse.
            String what = protocol.startsWith("icmp") ? protocol : rule(ruleId).describePorts();
            return what + " from " + cidrText + (ruleId == null ? "" : " (" + ruleId + ")");
        }
    }

    /** The CIDR sources an event let in, and what could not be read with certainty. */
    private record Reading(List<Grant> grants, List<String> problems, boolean modifiedRules) {
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

    /**
     * The sources an {@code AuthorizeSecurityGroupIngress} let in. The request is read in both forms the API takes:
     * {@code ipPermissions}, and the older top-level {@code ipProtocol}, {@code fromPort}, {@code toPort} and
     * {@code cidrIp} (what {@code aws ec2 authorize-security-group-ingress --protocol --port --cidr} sends, with
     * {@code ipPermissions} empty), whose source may instead be a group ({@code sourceSecurityGroupName}). When the
     * response lists the rules AWS created ({@code securityGroupRuleSet}), those are what is judged, each with its rule
     * id; the request then only shows what the response must also list: a world-open source it lacks is paged, never
     * guessed, and a request source that does not read (partial, anonymised) is paged as well, never widened.
     */
    private Reading authorized(CloudTrailEvent event) {
        JsonNode request = event.request();
        List<Grant> requested = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<JsonNode> permissions = Fields.items(request.path("ipPermissions"));
        for (JsonNode permission : permissions) {
            List<String> cidrs = new ArrayList<>();
            Fields.items(permission.path("ipRanges")).forEach(range -> cidrs.add(Fields.text(range, "cidrIp")));
            Fields.items(permission.path("ipv6Ranges")).forEach(range -> cidrs.add(Fields.text(range, "cidrIpv6")));
            boolean otherSources = !Fields.items(permission.path("groups")).isEmpty()
                    || !Fields.items(permission.path("prefixListIds")).isEmpty();
            if (cidrs.isEmpty() && !otherSources) problems.add("a permission names no source");
            for (String cidr : cidrs) {
                read(null, Fields.text(permission, "ipProtocol"), Fields.integer(permission, "fromPort"),
                        Fields.integer(permission, "toPort"), cidr, requested, problems);
            }
        }
        boolean topLevel = LEGACY_FIELDS.stream().anyMatch(field -> !request.path(field).isMissingNode());
        if (topLevel) {
            String cidr = Fields.text(request, "cidrIp");
            if (cidr != null || Fields.text(request, "sourceSecurityGroupName") == null
                    && Fields.text(request, "sourceSecurityGroupOwnerId") == null) {
                // Without a CIDR or a source group the API itself defaults to nothing: a source that did not read.
                read(null, Fields.text(request, "ipProtocol"), Fields.integer(request, "fromPort"),
                        Fields.integer(request, "toPort"), cidr, requested, problems);
            }
        }
        if (permissions.isEmpty() && !topLevel) problems.add("the request lists no ipPermissions");
        List<JsonNode> ruleSet = Fields.items(event.response().path("securityGroupRuleSet"));
        if (ruleSet.isEmpty()) return new Reading(requested, problems, false);
        List<JsonNode> created = ruleSet.stream().filter(rule -> !Boolean.TRUE.equals(Fields.bool(rule, "isEgress"))).toList();

        List<Grant> grants = new ArrayList<>();
        for (JsonNode rule : created) {
            String cidr = cidr(rule, "cidrIpv4", "cidrIpv6");
            // A rule that references a group or a prefix list has no CIDR: nothing to judge.
            if (cidr == null) continue;
            String ruleId = Fields.text(rule, "securityGroupRuleId");
            if (ruleId == null) problems.add("securityGroupRuleSet lists a rule for " + cidr + " without its id");
            else read(ruleId, Fields.text(rule, "ipProtocol"), Fields.integer(rule, "fromPort"), Fields.integer(rule, "toPort"),
                    cidr, grants, problems);
        }
        for (Grant grant : requested) {
            if (exposure(grant) == Exposure.OPEN && created.stream().noneMatch(rule -> sameRule(grant, rule))) {
                problems.add("securityGroupRuleSet has no single rule ID for " + grant.describe());
            }
        }
        return new Reading(grants, problems, false);
    }

    private Reading modified(JsonNode request) {
        List<Grant> grants = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        JsonNode changes = request.path("SecurityGroupRule");
        // One change is recorded as an object, several as an array.
        List<JsonNode> entries = changes.isObject() ? List.of(changes) : Fields.items(changes);
        if (entries.isEmpty()) problems.add("the request lists no SecurityGroupRule");
        for (JsonNode entry : entries) {
            String ruleId = Fields.text(entry, "SecurityGroupRuleId");
            JsonNode rule = entry.path("SecurityGroupRule");
            String cidr = cidr(rule, "CidrIpv4", "CidrIpv6");
            if (cidr == null) {
                if (Fields.text(rule, "ReferencedGroupId") == null && Fields.text(rule, "PrefixListId") == null) {
                    problems.add("a modified rule " + (ruleId == null ? "" : ruleId + " ") + "names no source");
                }
                continue;
            }
            if (ruleId == null) {
                problems.add("a rule modified to allow " + cidr + " has no SecurityGroupRuleId");
                continue;
            }
            read(ruleId, Fields.text(rule, "IpProtocol"), Fields.integer(rule, "FromPort"),
                    Fields.integer(rule, "ToPort"), cidr, grants, problems);
        }
        return new Reading(grants, problems, true);
    }

    /**
     * The group the call changed: the request's {@code groupId}, else (a call that named it by {@code groupName}) the
     * one group the response's rules belong to.
     */
    private static String groupOf(CloudTrailEvent event) {
        String requested = Fields.text(event.request(), "groupId");
        if (requested != null) return requested;
        List<String> responded = Fields.items(event.response().path("securityGroupRuleSet")).stream()
                .map(rule -> Fields.text(rule, "groupId")).distinct().toList();
        return responded.size() == 1 ? responded.getFirst() : null;
    }

    /** Adds the grant, or the reason it cannot be judged. */
    private static void read(String ruleId, String ipProtocol, Integer from, Integer to, String cidrText,
                             List<Grant> grants, List<String> problems) {
        String source = cidrText == null ? "a range without a CIDR" : cidrText;
        if (ipProtocol == null) {
            problems.add("a permission for " + source + " has no protocol");
            return;
        }
        String protocol = IngressRule.protocolName(ipProtocol);
        if ((protocol.equals("tcp") || protocol.equals("udp"))
                && (from == null || to == null || from < 0 || to > 65535 || from > to)) {
            problems.add(protocol + " permission for " + source + " has no valid port range (fromPort " + from
                    + ", toPort " + to + ")");
            return;
        }
        if (cidrText == null) {
            problems.add("an ip range has no CIDR");
            return;
        }
        try {
            grants.add(new Grant(ruleId, protocol, from, to, cidrText.trim(), Cidr.parse(cidrText)));
        } catch (IllegalArgumentException e) {
            problems.add("unreadable source: " + e.getMessage());
        }
    }

    /** A rule's IPv4 or IPv6 source; {@code null} when it has neither (a group reference or a prefix list). */
    private static String cidr(JsonNode rule, String ipv4Field, String ipv6Field) {
        String ipv4 = Fields.text(rule, ipv4Field);
        return ipv4 != null ? ipv4 : Fields.text(rule, ipv6Field);
    }

    private static boolean sameRule(Grant grant, JsonNode rule) {
        if (Boolean.TRUE.equals(Fields.bool(rule, "isEgress"))) return false;
        String protocol = Fields.text(rule, "ipProtocol");
        String cidr = cidr(rule, "cidrIpv4", "cidrIpv6");
        if (protocol == null || cidr == null || !IngressRule.protocolName(protocol).equals(grant.protocol())) return false;
        try {
            if (!Cidr.parse(cidr).equals(grant.cidr())) return false;
        } catch (IllegalArgumentException e) {
            return false;
        }
        return grant.protocol().equals("-1")
                || Objects.equals(Fields.integer(rule, "fromPort"), grant.fromPort())
                && Objects.equals(Fields.integer(rule, "toPort"), grant.toPort());
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

    private Verdict judge(CloudTrailEvent event, String groupId, Reading reading) {
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

    private static Map<String, String> context(String groupId, List<Grant> grants, Reading reading) {
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
