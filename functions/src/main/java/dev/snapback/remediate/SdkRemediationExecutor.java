package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.remediate.Remediation.IngressRule;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudtrail.model.UpdateTrailRequest;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupIngressResponse;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The one place where a {@link Remediation} becomes AWS calls, in the account and region of the event that caused
 * it: EC2 in the event's region, CloudTrail in the trail's home region, IAM through its global endpoint.
 *
 * <p>Errors that mean "the thing is already gone" ({@link #ALREADY_GONE}) are {@link Outcome.AlreadyCompliant}.
 * Throttling and 5xx never reach this class: the clients' standard retry strategy handles them, and what is left
 * after the retries is an ordinary failure. Every other error is {@link Outcome.Failed}, with the AWS error code, so
 * the pipeline pages and fails the invocation. Each successful action records its inverse as a ready-to-run AWS CLI
 * command.
 */
public final class SdkRemediationExecutor implements RemediationExecutor {

    /** AWS error codes that mean there is nothing left to change. */
    static final Set<String> ALREADY_GONE = Set.of(
            "InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound", "InvalidGroup.NotFound",
            "InvalidKeyPair.NotFound", "NoSuchEntity", "TrailNotFoundException");

    private final AwsClients clients;

    public SdkRemediationExecutor(AwsClients clients) {
        this.clients = clients;
    }

    @Override
    public Outcome execute(Remediation remediation, CloudTrailEvent cause) {
        try {
            return switch (remediation) {
                case Remediation.RevokeIngress revoke -> revoke(revoke, cause.region());
                case Remediation.StartLogging start -> startLogging(start);
                case Remediation.RestoreTrailSettings restore -> restoreTrail(restore);
                case Remediation.RestoreEventSelectors restore -> restoreSelectors(restore);
                case Remediation.DeactivateAccessKey key -> deactivate(key);
                case Remediation.DeleteKeyPair keyPair -> deleteKeyPair(keyPair, cause.region());
                case Remediation.QuarantineUser quarantine -> quarantine(quarantine, cause);
                case Remediation.ReleaseQuarantine release -> release(release);
                case Remediation.PageOnly pageOnly -> new Outcome.Paged(pageOnly.reason());
            };
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (code != null && ALREADY_GONE.contains(code)) {
                return new Outcome.AlreadyCompliant(code + ": " + e.awsErrorDetails().errorMessage());
            }
            return new Outcome.Failed((code == null ? "HTTP " + e.statusCode() : code) + ": " + errorMessage(e));
        } catch (RuntimeException e) {
            return new Outcome.Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Outcome revoke(Remediation.RevokeIngress revoke, String region) {
        var request = software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupIngressRequest.builder()
                .groupId(revoke.groupId());
        if (revoke.byRuleIds()) {
            request.securityGroupRuleIds(revoke.rules().stream().map(IngressRule::ruleId).toList());
        } else {
            request.ipPermissions(revoke.rules().stream().map(SdkRemediationExecutor::permission).toList());
        }
        RevokeSecurityGroupIngressResponse response = clients.ec2(region).revokeSecurityGroupIngress(request.build());
        // In a default VPC, EC2 answers success and lists the permissions it did not find instead of failing.
        int unknown = response.hasUnknownIpPermissions() ? response.unknownIpPermissions().size() : 0;
        if (unknown == revoke.rules().size()) {
            return new Outcome.AlreadyCompliant("none of the rules exist any more on " + revoke.groupId());
        }
        String inverse = "aws ec2 authorize-security-group-ingress --region " + region + " --group-id " + revoke.groupId()
                + " --ip-permissions " + String.join(" ", revoke.rules().stream().map(SdkRemediationExecutor::shorthand).toList());
        String action = revoke.describe() + " in " + region
                + (unknown > 0 ? " (" + unknown + " of " + revoke.rules().size() + " were already gone)" : "");
        return new Outcome.Remediated(List.of(action), List.of(inverse));
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

    private Outcome restoreSelectors(Remediation.RestoreEventSelectors restore) {
        var request = software.amazon.awssdk.services.cloudtrail.model.PutEventSelectorsRequest.builder()
                .trailName(restore.trailArn());
        if (restore.advanced()) {
            request.advancedEventSelectors(EventSelectorsJson.advanced(restore.selectorsJson()));
        } else {
            request.eventSelectors(EventSelectorsJson.basic(restore.selectorsJson()));
        }
        clients.cloudTrail(restore.homeRegion()).putEventSelectors(request.build());
        return new Outcome.Remediated(List.of(restore.describe()),
                List.of("aws cloudtrail put-event-selectors --region " + restore.homeRegion() + " --trail-name "
                        + restore.trailArn() + (restore.advanced() ? " --advanced-event-selectors" : " --event-selectors")
                        + " '<the selectors from the original CloudTrail event>'"));
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

    private Outcome quarantine(Remediation.QuarantineUser quarantine, CloudTrailEvent cause) {
        String policy = QuarantinePolicy.document(cause.partition(), cause.account());
        clients.iam().putUserPolicy(r -> r.userName(quarantine.userName()).policyName(QuarantinePolicy.NAME).policyDocument(policy));
        return new Outcome.Remediated(List.of(quarantine.describe() + " (inline policy " + QuarantinePolicy.NAME + ")"),
                List.of("aws iam delete-user-policy --user-name " + quarantine.userName() + " --policy-name " + QuarantinePolicy.NAME));
    }

    private Outcome release(Remediation.ReleaseQuarantine release) {
        clients.iam().deleteUserPolicy(r -> r.userName(release.userName()).policyName(QuarantinePolicy.NAME));
        return new Outcome.Remediated(List.of(release.describe() + " (deleted inline policy " + QuarantinePolicy.NAME + ")"),
                List.of("re-quarantine: aws iam put-user-policy --user-name " + release.userName() + " --policy-name "
                        + QuarantinePolicy.NAME + " --policy-document <Snapback's quarantine policy>"));
    }

    private static IpPermission permission(IngressRule rule) {
        IpPermission.Builder permission = IpPermission.builder().ipProtocol(rule.protocol());
        if (!"-1".equals(rule.protocol())) permission.fromPort(rule.fromPort()).toPort(rule.toPort());
        if (isIpv6(rule.cidr())) permission.ipv6Ranges(Ipv6Range.builder().cidrIpv6(rule.cidr()).build());
        else permission.ipRanges(IpRange.builder().cidrIp(rule.cidr()).build());
        return permission.build();
    }

    /** The AWS CLI shorthand for one permission, quoted for a POSIX shell. */
    private static String shorthand(IngressRule rule) {
        String ports = "-1".equals(rule.protocol()) ? "" : ",FromPort=" + rule.fromPort() + ",ToPort=" + rule.toPort();
        String range = isIpv6(rule.cidr()) ? "Ipv6Ranges=[{CidrIpv6=" + rule.cidr() + "}]" : "IpRanges=[{CidrIp=" + rule.cidr() + "}]";
        return "'IpProtocol=" + rule.protocol() + ports + "," + range + "'";
    }

    private static boolean isIpv6(String cidr) {
        return cidr.contains(":");
    }

    private static String errorMessage(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? e.getMessage() : e.awsErrorDetails().errorMessage();
    }
}
