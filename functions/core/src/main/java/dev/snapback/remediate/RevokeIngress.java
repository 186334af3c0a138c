package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Cidr;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * Revoke exactly these ingress rules, in the event's region, and only those still as the event made them.
 *
 * <p>The group's rules are read first ({@code DescribeSecurityGroupRules}, filtered by group). A rule the event names
 * by id is revoked only while it still allows what the event recorded (protocol, ports and source): one narrowed
 * since, or pointed at another source, is left alone ({@link Outcome.Superseded}); one that is gone, or is an egress
 * rule ({@code ModifySecurityGroupRules} does not say), has nothing to revoke. A rule from an older event without
 * rule ids is found by its exact permission and revoked by the id the read gives it. Revokes go by rule id.
 */
public record RevokeIngress(String groupId, List<IngressRule> rules) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(
            // EC2's Describe actions take no resource-level permissions.
            IamGrant.of("*", "ec2:DescribeSecurityGroupRules"),
            IamGrant.of("arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:security-group/*", "ec2:RevokeSecurityGroupIngress"));

    /**
     * EC2's answers when a rule of a revoke does not exist. It then revokes none of them, so a batch that gets one
     * (a rule deleted between the read and the revoke) is retried one rule at a time.
     */
    private static final Set<String> RULE_NOT_FOUND = Set.of("InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound");

    public RevokeIngress {
        rules = List.copyOf(rules);
        if (rules.isEmpty()) throw new IllegalArgumentException("nothing to revoke on " + groupId);
    }

    @Override
    public String describe() {
        boolean byIds = rules.stream().allMatch(r -> r.ruleId() != null);
        return "revoke " + (byIds ? String.join(", ", rules.stream().map(IngressRule::ruleId).toList())
                : rules.size() + " ingress permission(s)") + " on " + groupId;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("revoke", "revoked");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        String region = cause.region();
        Ec2Client ec2 = aws.ec2(region);
        List<SecurityGroupRule> present = ec2.describeSecurityGroupRulesPaginator(r -> r
                .filters(Filter.builder().name("group-id").values(groupId).build())).securityGroupRules().stream().toList();
        List<IngressRule> offending = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (IngressRule rule : rules) {
            Optional<SecurityGroupRule> now = present.stream()
                    .filter(p -> rule.ruleId() != null ? rule.ruleId().equals(p.securityGroupRuleId())
                            : !Boolean.TRUE.equals(p.isEgress()) && allowsExactly(p, rule))
                    .findFirst();
            if (now.isEmpty()) {
                gone.add(rule.label() + ": no longer exists");
            } else if (Boolean.TRUE.equals(now.get().isEgress())) {
                gone.add(rule.label() + ": an egress rule, so there is no ingress to revoke");
            } else if (!allowsExactly(now.get(), rule)) {
                moved.add(rule.label() + ": now " + describe(now.get()));
            } else {
                offending.add(new IngressRule(now.get().securityGroupRuleId(), rule.protocol(), rule.fromPort(),
                        rule.toPort(), rule.cidr()));
            }
        }
        if (offending.isEmpty()) {
            return moved.isEmpty()
                    ? new Outcome.AlreadyCompliant("nothing left to revoke on " + groupId + " (" + String.join("; ", gone) + ")")
                    : new Outcome.Superseded(groupId + " changed since the event and is left as it is ("
                            + String.join("; ", Stream.concat(moved.stream(), gone.stream()).toList()) + ")");
        }
        return revoke(ec2, region, offending, Stream.concat(moved.stream(), gone.stream()).toList());
    }

    /** Revokes by rule id; {@code leftAlone} says which of the event's rules were not revoked, and why. */
    private Outcome revoke(Ec2Client ec2, String region, List<IngressRule> offending, List<String> leftAlone) {
        List<IngressRule> revoked = new ArrayList<>();
        List<String> skipped = new ArrayList<>(leftAlone);
        List<String> errors = new ArrayList<>();
        try {
            revokeByIds(ec2, offending);
            revoked.addAll(offending);
        } catch (AwsServiceException e) {
            if (!RULE_NOT_FOUND.contains(Objects.toString(AwsErrors.code(e), "")) || offending.size() == 1) throw e;
            for (IngressRule rule : offending) {
                try {
                    revokeByIds(ec2, List.of(rule));
                    revoked.add(rule);
                } catch (AwsServiceException single) {
                    (AwsErrors.alreadyGone(single) ? skipped : errors).add(rule.label() + ": " + AwsErrors.describe(single));
                }
            }
        }
        String done = revoked.isEmpty() ? "" : new RevokeIngress(groupId, revoked).describe() + " in " + region;
        if (!errors.isEmpty()) {
            return new Outcome.Failed(String.join("; ", errors) + (revoked.isEmpty() ? ""
                    : "; revoked before the failure: " + done + "; inverse: " + authorize(region, revoked)));
        }
        if (revoked.isEmpty()) {
            return new Outcome.AlreadyCompliant("none of the rules exist any more on " + groupId + " (" + String.join("; ", skipped) + ")");
        }
        String action = done + (skipped.isEmpty() ? "" : " (" + skipped.size() + " of " + rules.size()
                + " left alone: " + String.join("; ", skipped) + ")");
        return new Outcome.Remediated(List.of(action), List.of(authorize(region, revoked)));
    }

    private void revokeByIds(Ec2Client ec2, List<IngressRule> offending) {
        ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId)
                .securityGroupRuleIds(offending.stream().map(IngressRule::ruleId).toList()));
    }

    /** Whether a present rule allows what the event's rule did: the same protocol, ports and CIDR source. */
    private static boolean allowsExactly(SecurityGroupRule present, IngressRule rule) {
        String cidr = rule.isIpv6() ? present.cidrIpv6() : present.cidrIpv4();
        if (present.ipProtocol() == null || cidr == null || !sameCidr(cidr, rule.cidr())) return false;
        if (!IngressRule.protocolName(present.ipProtocol()).equals(IngressRule.protocolName(rule.protocol()))) return false;
        return "-1".equals(rule.protocol())
                || Objects.equals(present.fromPort(), rule.fromPort()) && Objects.equals(present.toPort(), rule.toPort());
    }

    private static boolean sameCidr(String a, String b) {
        try {
            return Cidr.parse(a).equals(Cidr.parse(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A present rule as people read it: {@code 22/tcp from 10.0.0.0/8}. */
    private static String describe(SecurityGroupRule rule) {
        String source = rule.cidrIpv4() != null ? rule.cidrIpv4() : rule.cidrIpv6() != null ? rule.cidrIpv6()
                : rule.referencedGroupInfo() != null ? rule.referencedGroupInfo().groupId()
                : Objects.requireNonNullElse(rule.prefixListId(), "an unknown source");
        boolean allTraffic = "-1".equals(rule.ipProtocol());
        return new IngressRule(rule.securityGroupRuleId(), Objects.requireNonNullElse(rule.ipProtocol(), "?"),
                allTraffic ? null : rule.fromPort(), allTraffic ? null : rule.toPort(), source).describePorts() + " from " + source;
    }

    private String authorize(String region, List<IngressRule> revoked) {
        return "aws ec2 authorize-security-group-ingress --region " + region + " --group-id " + groupId
                + " --ip-permissions " + String.join(" ", revoked.stream().map(IngressRule::shorthand).toList());
    }
}
