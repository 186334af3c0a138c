package dev.snapback.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.model.Cidr;
import dev.snapback.remediate.IngressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The CIDR sources an ingress call let in, read from its request and response, and what could not be read with
 * certainty ({@code problems}): {@link SecurityGroupOpenedDetector} judges the first and pages the second.
 */
record IngressReading(List<Grant> grants, List<String> problems, boolean modifiedRules) {

    /** The top-level request fields of the API's older single-rule form. */
    private static final List<String> LEGACY_FIELDS = List.of("ipProtocol", "fromPort", "toPort", "cidrIp",
            "sourceSecurityGroupName", "sourceSecurityGroupOwnerId");

    /** One CIDR source the call let in, on one protocol and port range; {@code ruleId} when the event names it. */
    record Grant(String ruleId, String protocol, Integer fromPort, Integer toPort, String cidrText, Cidr cidr) {

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

    /**
     * The sources an {@code AuthorizeSecurityGroupIngress} let in. The request is read in both forms the API takes:
     * {@code ipPermissions}, and the older top-level {@code ipProtocol}, {@code fromPort}, {@code toPort} and
     * {@code cidrIp} (what {@code aws ec2 authorize-security-group-ingress --protocol --port --cidr} sends, with
     * {@code ipPermissions} empty), whose source may instead be a group ({@code sourceSecurityGroupName}). When the
     * response lists the rules AWS created ({@code securityGroupRuleSet}), those are what is judged, each with its rule
     * id; the request then only shows what the response must also list: a world-open source it lacks is paged, never
     * guessed, and a request source that does not read (partial, anonymised) is paged as well, never widened.
     */
    static IngressReading authorized(CloudTrailEvent event, Predicate<Grant> worldOpen) {
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
        if (ruleSet.isEmpty()) return new IngressReading(requested, problems, false);
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
            if (worldOpen.test(grant) && created.stream().noneMatch(rule -> sameRule(grant, rule))) {
                problems.add("securityGroupRuleSet has no single rule ID for " + grant.describe());
            }
        }
        return new IngressReading(grants, problems, false);
    }

    static IngressReading modified(JsonNode request) {
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
        return new IngressReading(grants, problems, true);
    }

    /**
     * The group the call changed: the request's {@code groupId}, else (a call that named it by {@code groupName}) the
     * one group the response's rules belong to.
     */
    static String groupOf(CloudTrailEvent event) {
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
}
