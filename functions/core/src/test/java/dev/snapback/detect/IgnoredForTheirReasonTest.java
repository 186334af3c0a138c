package dev.snapback.detect;

import static dev.snapback.testing.EditedFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.snapback.policy.Assessment;
import dev.snapback.policy.Evaluator;
import dev.snapback.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixture test only checks that an {@code ignored-by-detector} fixture is ignored; this checks it is ignored for
 * the reason the fixture stands for, not by accident.
 */
class IgnoredForTheirReasonTest {

    private static final Evaluator EVALUATOR = new Evaluator(Fixtures.config(), Fixtures.config().detectors());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            mfa-deactivated/ignored-by-detector/EnableMFADevice-root                    | root enabled an MFA device
            mfa-deactivated/ignored-by-detector/DeactivateMFADevice-snapback-role       | made by Snapback's own role
            mfa-deactivated/ignored-by-detector/DeactivateMFADevice-aws-service         | made by the AWS service sso.amazonaws.com
            unmanaged-key-created/ignored-by-detector/CreateAccessKey-managed-role      | made by the managed principal arn:aws:iam::111122223333:role/key-rotation
            unmanaged-key-created/ignored-by-detector/CreateAccessKey-managed-user      | made by the managed principal arn:aws:iam::111122223333:user/ci-deployer
            unmanaged-key-created/ignored-by-detector/UpdateAccessKey-managed-role-reactivates | made by the managed principal arn:aws:iam::111122223333:role/key-rotation
            unmanaged-key-created/ignored-by-detector/ImportKeyPair-managed-user        | made by the managed principal arn:aws:iam::111122223333:user/ci-deployer
            unmanaged-key-created/ignored-by-detector/UpdateAccessKey-deactivated       | access key set inactive
            unmanaged-key-created/ignored-by-detector/UpdateAccessKey-snapback-role     | made by Snapback's own role
            unmanaged-key-created/ignored-by-detector/CreateKeyPair-aws-service         | made by the AWS service cloud9.amazonaws.com
            unmanaged-key-created/ignored-by-detector/UpdateSSHPublicKey-deactivated    | SSH public key set inactive
            unmanaged-key-created/ignored-by-detector/UpdateLoginProfile-own-password   | user alice set their own console password
            unmanaged-key-created/ignored-by-detector/CreateKeyGroup2020_05_31-managed-user | made by the managed principal arn:aws:iam::111122223333:user/ci-deployer
            config-recorder-stopped/ignored-by-detector/DeleteConfigurationRecorder-by-managed-principal | made by the managed principal arn:aws:iam::111122223333:user/ci-deployer
            threat-detection-disabled/ignored-by-detector/UpdateDetector-frequency-only | detector 12abc34d567e8fa901bc2d34e56789f0 left enabled, its plans left on
            threat-detection-disabled/ignored-by-detector/DeleteDetector-by-managed-principal | made by the managed principal arn:aws:iam::111122223333:user/ci-deployer
            organization-changed/ignored-by-detector/AttachPolicy-by-managed-principal | made by the managed principal arn:aws:iam::111122223333:user/ci-deployer
            network-acl-opened/ignored-by-detector/CreateNetworkAclEntry-egress-all    | an egress entry
            network-acl-opened/ignored-by-detector/CreateNetworkAclEntry-deny-ssh      | a deny entry
            network-acl-opened/ignored-by-detector/CreateNetworkAclEntry-https-public-port | public ports only
            network-acl-opened/ignored-by-detector/CreateNetworkAclEntry-return-traffic | return traffic: 1024-65535 is a returnTrafficPorts range
            network-acl-opened/ignored-by-detector/CreateNetworkAclEntry-private-source | source 10.0.0.0/16 is not the internet
            network-acl-opened/ignored-by-detector/CreateNetworkAclEntry-icmp          | ICMP is not flagged
            s3-public-access-unblocked/ignored-by-detector/PutBucketPublicAccessBlock-all-on | all four Block Public Access settings on
            s3-public-access-unblocked/ignored-by-detector/PutBucketPolicy-org-condition | the policy allows no one but under a condition that limits who
            s3-public-access-unblocked/ignored-by-detector/PutBucketAcl-private | the ACL grants nothing to AllUsers or AuthenticatedUsers
            tls-not-enforced/ignored-by-detector/PutBucketPolicy-with-secure-transport-deny | the policy denies insecure transport
            network-edge-changed/ignored-by-detector/CreateRoute-to-nat-gateway | the route points at no internet gateway or peering connection
            network-edge-changed/ignored-by-detector/CreateVpcPeeringConnection-within-the-account | peering requested with trusted account 111122223333
            network-edge-changed/ignored-by-detector/CreateVpcPeeringConnection-to-trusted-account | peering requested with trusted account 222233334444
            network-edge-changed/ignored-by-detector/ModifyInstanceAttribute-instance-type | ModifyInstanceAttribute leaves source/destination checking on
            network-edge-changed/ignored-by-detector/AttachInternetGateway-by-managed-principal | made by the managed principal arn:aws:iam::111122223333:user/ci-deployer
            root-activity/ignored-by-detector/ConsoleLogin-root-failed                  | root's sign-in did not succeed; console-login-without-mfa counts repeated failures
            console-login-without-mfa/ignored-by-detector/ConsoleLogin-iam-user-with-mfa | user alice signed in with MFA
            console-login-without-mfa/ignored-by-detector/ConsoleLogin-sso-session     | a sign-in by role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5f3c0a1b2d9e8f70 (session dana@example.com): an SSO or federated session, whose MFA is the identity provider's
            unauthorized-calls/ignored-by-detector/ListAccessKeys-access-denied-snapback-role | made by Snapback's own role
            mfa-deactivated/ignored-by-detector/DeactivateMFADevice-aws-service-unnamed | made by the AWS service (unnamed in the record)
            security-group-opened/ignored-by-detector/AuthorizeSecurityGroupIngress-loopback-ssh | nothing opened to the world or to untrusted sources: 22/tcp from 127.0.0.1/32 (sgr-0e1f2a3b4c5d60046) (loopback or link-local: not reachable from outside)
            security-group-opened/ignored-by-detector/AuthorizeSecurityGroupIngress-link-local-metadata | nothing opened to the world or to untrusted sources: 22/tcp from 169.254.169.254/32 (sgr-0e1f2a3b4c5d60047) (loopback or link-local: not reachable from outside)
            security-group-opened/ignored-by-detector/AuthorizeSecurityGroupIngress-ipv6-loopback | nothing opened to the world or to untrusted sources: 22/tcp from ::1/128 (sgr-0e1f2a3b4c5d60048) (loopback or link-local: not reachable from outside)
            security-group-opened/ignored-by-detector/AuthorizeSecurityGroupIngress-ipv6-link-local | nothing opened to the world or to untrusted sources: 22/tcp from fe80::/10 (sgr-0e1f2a3b4c5d60049) (loopback or link-local: not reachable from outside)
            security-group-opened/ignored-by-detector/AuthorizeSecurityGroupIngress-top-level-source-group-by-name | only security-group references and prefix lists were let in
            quarantine-tampered/ignored-by-detector/CreatePolicyVersion-another-policy  | CreatePolicyVersion on arn:aws:iam::111122223333:policy/ReadOnlyForAuditors, not Snapback's quarantine policy
            quarantine-tampered/ignored-by-detector/CreatePolicyVersion-another-accounts-quarantine | CreatePolicyVersion on arn:aws:iam::444455556666:policy/SnapbackMfaQuarantine, not Snapback's quarantine policy
            quarantine-tampered/ignored-by-detector/CreatePolicyVersion-snapback-guard-role | made by Snapback's own role
            quarantine-tampered/ignored-by-detector/CreatePolicyVersion-cloudformation-deploy | CloudFormation deploying the stack's own quarantine policy (role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1 (session AWSCloudFormation))
            """)
    void ignoredForTheirReason(String fixture, String reason) {
        String detectorId = fixture.substring(0, fixture.indexOf('/'));
        assertThat(EVALUATOR.assess(event(fixture + ".json"))).filteredOn(a -> a.detectorId().equals(detectorId)).singleElement()
                .isInstanceOfSatisfying(Assessment.Ignored.class, ignored -> assertThat(ignored.reason()).isEqualTo(reason));
    }
}
