package dev.snapback.remediate;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings of an account password policy that Snapback holds to a baseline, as IAM names them. A setting IAM
 * leaves unset reads as its weakest value: length 8, no class required, no reuse prevention, no expiry ({@code 0}).
 */
public record PasswordPolicy(int minimumLength, boolean requireSymbols, boolean requireNumbers, boolean requireUppercase,
                             boolean requireLowercase, int reusePrevention, int maxAgeDays) {

    /** IAM's minimum length when a policy does not set one. */
    public static final int DEFAULT_MINIMUM_LENGTH = 8;

    /** Setting by setting, the stricter of this policy and {@code other} (an expiry beats none, a shorter one a longer). */
    public PasswordPolicy stricter(PasswordPolicy other) {
        return new PasswordPolicy(Math.max(minimumLength, other.minimumLength), requireSymbols || other.requireSymbols,
                requireNumbers || other.requireNumbers, requireUppercase || other.requireUppercase,
                requireLowercase || other.requireLowercase, Math.max(reusePrevention, other.reusePrevention),
                maxAgeDays == 0 ? other.maxAgeDays : other.maxAgeDays == 0 ? maxAgeDays : Math.min(maxAgeDays, other.maxAgeDays));
    }

    /** Whether this policy is at least as strict as {@code baseline} in every setting. */
    public boolean meets(PasswordPolicy baseline) {
        return stricter(baseline).equals(this);
    }

    /** Each setting where this policy is weaker than {@code baseline}, as "minimum length 8 (baseline 14)". */
    public List<String> weakerThan(PasswordPolicy baseline) {
        List<String> weaker = new ArrayList<>();
        PasswordPolicy target = stricter(baseline);
        if (target.minimumLength != minimumLength) weaker.add("minimum length " + minimumLength + " (baseline " + baseline.minimumLength + ")");
        if (target.requireSymbols != requireSymbols) weaker.add("symbols not required");
        if (target.requireNumbers != requireNumbers) weaker.add("numbers not required");
        if (target.requireUppercase != requireUppercase) weaker.add("uppercase letters not required");
        if (target.requireLowercase != requireLowercase) weaker.add("lowercase letters not required");
        if (target.reusePrevention != reusePrevention) {
            weaker.add("reuse prevention " + reusePrevention + " (baseline " + baseline.reusePrevention + ")");
        }
        if (target.maxAgeDays != maxAgeDays) {
            weaker.add((maxAgeDays == 0 ? "passwords never expire" : "maximum age " + maxAgeDays + " days")
                    + " (baseline " + baseline.maxAgeDays + ")");
        }
        return weaker;
    }

    /** The arguments of {@code aws iam update-account-password-policy} that set this policy. */
    String cliArguments() {
        return "--minimum-password-length " + minimumLength
                + (requireSymbols ? " --require-symbols" : " --no-require-symbols")
                + (requireNumbers ? " --require-numbers" : " --no-require-numbers")
                + (requireUppercase ? " --require-uppercase-characters" : " --no-require-uppercase-characters")
                + (requireLowercase ? " --require-lowercase-characters" : " --no-require-lowercase-characters")
                + (reusePrevention > 0 ? " --password-reuse-prevention " + reusePrevention : "")
                + (maxAgeDays > 0 ? " --max-password-age " + maxAgeDays : "");
    }
}
