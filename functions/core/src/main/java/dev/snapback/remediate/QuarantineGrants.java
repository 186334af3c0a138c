package dev.snapback.remediate;

import dev.snapback.model.IamGrant;
import java.util.List;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.MFADevice;

/** What quarantining and releasing share: their resources, their one attach/detach grant and their reads. */
final class QuarantineGrants {

    static final String ALL_USERS = "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*";
    static final String POLICY = QuarantinePolicy.arn("${AWS::Partition}", "${AWS::AccountId}");

    private QuarantineGrants() {
    }

    /** Attach or detach on any user, and only Snapback's own deny-only quarantine: never a policy that grants anything. */
    static IamGrant onlyTheQuarantine(String action) {
        return IamGrant.of(ALL_USERS, action).when("ArnEquals", "iam:PolicyARN", POLICY);
    }

    /** A user has at most 8 MFA devices, well within one page. */
    static List<MFADevice> mfaDevices(IamClient iam, String user) {
        return iam.listMFADevices(r -> r.userName(user)).mfaDevices();
    }

    static String serials(List<MFADevice> devices) {
        return String.join(", ", devices.stream().map(MFADevice::serialNumber).toList());
    }

    static boolean isAttached(IamClient iam, String user, String policyArn) {
        return iam.listAttachedUserPoliciesPaginator(r -> r.userName(user)).attachedPolicies().stream()
                .anyMatch(p -> policyArn.equals(p.policyArn()));
    }
}
