package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.remediate.Remediation.IngressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudtrail.model.PutEventSelectorsRequest;
import software.amazon.awssdk.services.cloudtrail.model.UpdateTrailRequest;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupIngressResponse;
import software.amazon.awssdk.services.iam.model.MFADevice;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The one place where a {@link Remediation} becomes AWS calls, in the account and region of the event that caused
 * it: EC2 in the event's region, CloudTrail in the trail's home region, IAM through its global endpoint.
 *
 * <p>Errors that mean "the thing is already gone" ({@link #ALREADY_GONE}) are {@link Outcome.AlreadyCompliant}.
 * Throttling and 5xx never reach this class: the clients' standard retry strategy handles them, and what is left
 * after the retries is an ordinary failure. Every other error is {@link Outcome.Failed}, with the AWS error code, so
 * the pipeline pages and fails the invocation. Each successful action records its inverse as an AWS CLI command.
 */
public final class SdkRemediationExecutor implements RemediationExecutor {

    /** AWS error codes that mean there is nothing left to change. */
    static final Set<String> ALREADY_GONE = Set.of(
            "InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound", "InvalidGroup.NotFound",
            "InvalidKeyPair.NotFound", "NoSuchEntity", "TrailNotFoundException");

    /**
     * EC2's answers when one rule of a revoke does not match. In a non-default VPC it then revokes none of them, so a
     * batch that gets one is retried one rule at a time.
     */
    private static final Set<String> RULE_NOT_FOUND = Set.of("InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound");

    private final AwsClients clients;

    public SdkRemediationExecutor(AwsClients clients) {
        this.clients = clients;
    }

    /** @throws IllegalArgumentException for {@link Remediation.PageOnly}: the evaluator pages those, they never get here */
    @Override
    public Outcome execute(Remediation remediation, CloudTrailEvent cause) {
        return switch (remediation) {
            case Remediation.PageOnly pageOnly -> throw new IllegalArgumentException(
                    "a page-only finding has nothing to execute (the evaluator pages it): " + pageOnly.reason());
            case Remediation.RevokeIngress revoke -> attempt(() -> revoke(revoke, cause.region()));
            case Remediation.StartLogging start -> attempt(() -> startLogging(start));
            case Remediation.RestoreTrailSettings restore -> attempt(() -> restoreTrail(restore));
            case Remediation.RestoreEventSelectors restore -> attempt(() -> restoreSelectors(restore, cause));
            case Remediation.DeactivateAccessKey key -> attempt(() -> deactivate(key));
            case Remediation.DeleteKeyPair keyPair -> attempt(() -> deleteKeyPair(keyPair, cause.region()));
            case Remediation.QuarantineUser quarantine -> attempt(() -> quarantine(quarantine, cause));
            case Remediation.ReleaseQuarantine release -> attempt(() -> release(release, cause));
        };
    }

    private static Outcome attempt(Supplier<Outcome> action) {
        try {
            return action.get();
        } catch (AwsServiceException e) {
            if (alreadyGone(e)) return new Outcome.AlreadyCompliant(error(e));
            return new Outcome.Failed(error(e));
        } catch (RuntimeException e) {
            return new Outcome.Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Outcome revoke(Remediation.RevokeIngress revoke, String region) {
        List<IngressRule> revoked = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            revoked.addAll(revokeBatch(revoke.groupId(), revoke.rules(), revoke.byRuleIds(), region));
        } catch (AwsServiceException e) {
            if (!RULE_NOT_FOUND.contains(Objects.toString(code(e), "")) || revoke.rules().size() == 1) throw e;
            for (IngressRule rule : revoke.rules()) {
                try {
                    List<IngressRule> one = revokeBatch(revoke.groupId(), List.of(rule), revoke.byRuleIds(), region);
                    if (one.isEmpty()) gone.add(label(rule) + ": reported unknown");
                    revoked.addAll(one);
                } catch (AwsServiceException single) {
                    (alreadyGone(single) ? gone : errors).add(label(rule) + ": " + error(single));
                }
            }
        }
        int alreadyGone = revoke.rules().size() - revoked.size() - errors.size();
        if (!errors.isEmpty()) {
            return new Outcome.Failed(String.join("; ", errors) + (revoked.isEmpty() ? ""
                    : "; revoked before the failure: " + new Remediation.RevokeIngress(revoke.groupId(), revoked).describe()
                    + "; inverse: " + authorize(revoke.groupId(), revoked, region)));
        }
        if (revoked.isEmpty()) {
            return new Outcome.AlreadyCompliant("none of the rules exist any more on " + revoke.groupId()
                    + (gone.isEmpty() ? "" : " (" + String.join("; ", gone) + ")"));
        }
        String action = new Remediation.RevokeIngress(revoke.groupId(), revoked).describe() + " in " + region + (alreadyGone == 0 ? ""
                : " (" + alreadyGone + " of " + revoke.rules().size() + " were already gone"
                        + (gone.isEmpty() ? "" : ": " + String.join("; ", gone)) + ")");
        return new Outcome.Remediated(List.of(action), List.of(authorize(revoke.groupId(), revoked, region)));
    }

    /**
     * One RevokeSecurityGroupIngress call; returns the rules it revoked. In a default VPC EC2 answers success and
     * lists the permissions it did not find instead of failing; those are matched back to the rules.
     */
    private List<IngressRule> revokeBatch(String groupId, List<IngressRule> rules, boolean byRuleIds, String region) {
        RevokeSecurityGroupIngressRequest.Builder request = RevokeSecurityGroupIngressRequest.builder().groupId(groupId);
        if (byRuleIds) request.securityGroupRuleIds(rules.stream().map(IngressRule::ruleId).toList());
        else request.ipPermissions(rules.stream().map(SdkRemediationExecutor::permission).toList());
        RevokeSecurityGroupIngressResponse response = clients.ec2(region).revokeSecurityGroupIngress(request.build());
        List<IpPermission> unknown = response.hasUnknownIpPermissions() ? response.unknownIpPermissions() : List.of();
        List<IngressRule> notFound = rules.stream().filter(rule -> unknown.stream().anyMatch(p -> matches(p, rule))).toList();
        if (notFound.size() != unknown.size()) {
            throw new IllegalStateException("EC2 reported " + unknown.size() + " permission(s) it did not find on "
                    + groupId + ", matching " + notFound.size() + " of the rules, so what was revoked is unclear");
        }
        return rules.stream().filter(rule -> !notFound.contains(rule)).toList();
    }

    private Outcome startLogging(Remediation.StartLogging start) {
        clients.cloudTrail(start.homeRegion()).startLogging(r -> r.name(start.trailArn()));
        return new Outcome.Remediated(List.of(start.describe()),
                List.of("aws cloudtrail stop-logging --region " + start.homeRegion() + " --name " + start.trailArn()));
    }

    private Outcome restoreTrail(Remediation.RestoreTrailSettings restore) {
        UpdateTrailRequest.Builder request = UpdateTrailRequest.builder().name(restore.trailArn());
        StringBuilder inverse = new StringBuilder("aws cloudtrail update-trail --region ").append(restore.homeRegion())
                .append(" --name ").append(restore.trailArn());
        if (restore.multiRegion() != null) {
            request.isMultiRegionTrail(restore.multiRegion());
            inverse.append(restore.multiRegion() ? " --no-is-multi-region-trail" : " --is-multi-region-trail");
        }
        if (restore.includeGlobalServiceEvents() != null) {
            request.includeGlobalServiceEvents(restore.includeGlobalServiceEvents());
            inverse.append(restore.includeGlobalServiceEvents() ? " --no-include-global-service-events" : " --include-global-service-events");
        }
        if (restore.logFileValidation() != null) {
            request.enableLogFileValidation(restore.logFileValidation());
            inverse.append(restore.logFileValidation() ? " --no-enable-log-file-validation" : " --enable-log-file-validation");
        }
        if (restore.kmsKeyId() != null) {
            request.kmsKeyId(restore.kmsKeyId());
            inverse.append(" --kms-key-id \"\"");
        }
        clients.cloudTrail(restore.homeRegion()).updateTrail(request.build());
        return new Outcome.Remediated(List.of(restore.describe()), List.of(inverse.toString()));
    }

    /** The inverse puts back the selectors the causing call set, read from its request. */
    private Outcome restoreSelectors(Remediation.RestoreEventSelectors restore, CloudTrailEvent cause) {
        PutEventSelectorsRequest.Builder request = PutEventSelectorsRequest.builder().trailName(restore.trailArn());
        if (restore.advanced()) request.advancedEventSelectors(EventSelectorsJson.advanced(restore.selectorsJson()));
        else request.eventSelectors(EventSelectorsJson.basic(restore.selectorsJson()));
        clients.cloudTrail(restore.homeRegion()).putEventSelectors(request.build());
        String inverse = "aws cloudtrail put-event-selectors --region " + restore.homeRegion() + " --trail-name "
                + restore.trailArn() + (restore.advanced() ? " --advanced-event-selectors " : " --event-selectors ");
        return new Outcome.Remediated(List.of(restore.describe()), List.of(EventSelectorsJson.setBy(cause, restore.advanced())
                .map(selectors -> inverse + shellQuoted(selectors))
                .orElse("template (the causing event's selectors are unreadable): " + inverse + "'<the selectors it set>'")));
    }

    private Outcome deactivate(Remediation.DeactivateAccessKey key) {
        clients.iam().updateAccessKey(r -> r.userName(key.userName()).accessKeyId(key.accessKeyId()).status(StatusType.INACTIVE));
        return new Outcome.Remediated(List.of(key.describe()),
                List.of("aws iam update-access-key --user-name " + key.userName() + " --access-key-id " + key.accessKeyId()
                        + " --status Active"));
    }

    private Outcome deleteKeyPair(Remediation.DeleteKeyPair keyPair, String region) {
        clients.ec2(region).deleteKeyPair(r -> {
            if (keyPair.keyPairId() != null) r.keyPairId(keyPair.keyPairId());
            else r.keyName(keyPair.keyName());
        });
        return new Outcome.Remediated(List.of(keyPair.describe() + " in " + region),
                List.of("not reversible: a deleted key pair cannot be restored; create or import a new key pair"));
    }

    /**
     * Only a user left without any MFA device is quarantined. Listing the devices first also tells a deleted user
     * ({@code NoSuchEntity}, already compliant) from a missing quarantine policy (attach's {@code NoSuchEntity}).
     */
    private Outcome quarantine(Remediation.QuarantineUser quarantine, CloudTrailEvent cause) {
        String user = quarantine.userName();
        List<String> devices = mfaDevices(user);
        if (!devices.isEmpty()) {
            return new Outcome.AlreadyCompliant("user " + user + " still has MFA device " + String.join(", ", devices)
                    + "; not quarantined");
        }
        String policyArn = QuarantinePolicy.arn(cause.partition(), cause.account());
        try {
            clients.iam().attachUserPolicy(r -> r.userName(user).policyArn(policyArn));
        } catch (AwsServiceException e) {
            if (!"NoSuchEntity".equals(code(e))) throw e;
            return new Outcome.Failed(error(e) + " (is the Snapback stack, which creates " + policyArn + ", deployed?)");
        }
        return new Outcome.Remediated(List.of(quarantine.describe() + " (attached " + policyArn + ")"),
                List.of("aws iam detach-user-policy --user-name " + user + " --policy-arn " + policyArn));
    }

    /** The quarantine is only lifted from a user who has an MFA device again. */
    private Outcome release(Remediation.ReleaseQuarantine release, CloudTrailEvent cause) {
        String user = release.userName();
        if (mfaDevices(user).isEmpty()) {
            return new Outcome.AlreadyCompliant("user " + user + " has no MFA device, so the quarantine stays");
        }
        String policyArn = QuarantinePolicy.arn(cause.partition(), cause.account());
        clients.iam().detachUserPolicy(r -> r.userName(user).policyArn(policyArn));
        return new Outcome.Remediated(List.of(release.describe() + " (detached " + policyArn + ")"),
                List.of("aws iam attach-user-policy --user-name " + user + " --policy-arn " + policyArn));
    }

    /** A user has at most 8 MFA devices, well within one page. */
    private List<String> mfaDevices(String user) {
        return clients.iam().listMFADevices(r -> r.userName(user)).mfaDevices().stream().map(MFADevice::serialNumber).toList();
    }

    private static IpPermission permission(IngressRule rule) {
        IpPermission.Builder permission = IpPermission.builder().ipProtocol(rule.protocol());
        if (!"-1".equals(rule.protocol())) permission.fromPort(rule.fromPort()).toPort(rule.toPort());
        if (isIpv6(rule.cidr())) permission.ipv6Ranges(Ipv6Range.builder().cidrIpv6(rule.cidr()).build());
        else permission.ipRanges(IpRange.builder().cidrIp(rule.cidr()).build());
        return permission.build();
    }

    /** Whether a permission EC2 reported unknown is this rule (EC2 may name a protocol by number or by name). */
    private static boolean matches(IpPermission permission, IngressRule rule) {
        return IngressRule.protocolName(permission.ipProtocol()).equals(IngressRule.protocolName(rule.protocol()))
                && ("-1".equals(rule.protocol())
                    || Objects.equals(permission.fromPort(), rule.fromPort()) && Objects.equals(permission.toPort(), rule.toPort()))
                && (permission.ipRanges().stream().anyMatch(range -> rule.cidr().equals(range.cidrIp()))
                    || permission.ipv6Ranges().stream().anyMatch(range -> rule.cidr().equals(range.cidrIpv6())));
    }

    private static String authorize(String groupId, List<IngressRule> rules, String region) {
        return "aws ec2 authorize-security-group-ingress --region " + region + " --group-id " + groupId
                + " --ip-permissions " + String.join(" ", rules.stream().map(SdkRemediationExecutor::shorthand).toList());
    }

    /** The AWS CLI shorthand for one permission, quoted for a POSIX shell. */
    private static String shorthand(IngressRule rule) {
        String ports = "-1".equals(rule.protocol()) ? "" : ",FromPort=" + rule.fromPort() + ",ToPort=" + rule.toPort();
        String range = isIpv6(rule.cidr()) ? "Ipv6Ranges=[{CidrIpv6=" + rule.cidr() + "}]" : "IpRanges=[{CidrIp=" + rule.cidr() + "}]";
        return "'IpProtocol=" + rule.protocol() + ports + "," + range + "'";
    }

    private static String label(IngressRule rule) {
        return rule.ruleId() != null ? rule.ruleId() : rule.describePorts() + " from " + rule.cidr();
    }

    private static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static boolean isIpv6(String cidr) {
        return cidr.contains(":");
    }

    private static boolean alreadyGone(AwsServiceException e) {
        return ALREADY_GONE.contains(Objects.toString(code(e), ""));
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** {@code Code: message}, or the HTTP status when AWS sent no error code (also how the CLI reports AWS errors). */
    public static String error(AwsServiceException e) {
        String code = code(e);
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return (code == null ? "HTTP " + e.statusCode() : code) + ": " + message;
    }
}
