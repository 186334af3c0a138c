package dev.snapback.remediate;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** What AWS's error answers mean to a remediation. */
public final class AwsErrors {

    /** AWS error codes that mean there is nothing left to change. */
    static final Set<String> ALREADY_GONE = Set.of(
            "InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound", "InvalidGroup.NotFound",
            "InvalidKeyPair.NotFound", "InvalidNetworkAclID.NotFound", "InvalidNetworkAclEntry.NotFound",
            "InvalidVpcPeeringConnectionID.NotFound", "NoSuchBucket", "NoSuchEntity", "TrailNotFoundException");

    private AwsErrors() {
    }

    static boolean alreadyGone(AwsServiceException e) {
        return ALREADY_GONE.contains(Objects.toString(code(e), ""));
    }

    /** What {@code read} answers, or empty when AWS answers {@code absent}: there is nothing of that kind to read. */
    static <T> Optional<T> unlessAbsent(String absent, Supplier<T> read) {
        try {
            return Optional.of(read.get());
        } catch (AwsServiceException e) {
            if (absent.equals(code(e))) return Optional.empty();
            throw e;
        }
    }

    static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** {@code Code: message}, or the HTTP status when AWS sent no error code (also how the CLI reports AWS errors). */
    public static String describe(AwsServiceException e) {
        String code = code(e);
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return (code == null ? "HTTP " + e.statusCode() : code) + ": " + message;
    }

    /** A value quoted for a POSIX shell, for the AWS CLI commands that undo a fix. */
    static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
