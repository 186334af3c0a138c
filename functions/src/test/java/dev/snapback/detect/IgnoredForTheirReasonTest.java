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

    private static final Evaluator EVALUATOR = new Evaluator(Fixtures.config(), Detectors.all(Fixtures.config()));

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
            """)
    void ignoredForTheirReason(String fixture, String reason) {
        assertThat(EVALUATOR.assess(event(fixture + ".json"))).singleElement()
                .isInstanceOfSatisfying(Assessment.Ignored.class, ignored -> assertThat(ignored.reason()).isEqualTo(reason));
    }
}
