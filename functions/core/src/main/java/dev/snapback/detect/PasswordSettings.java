package dev.snapback.detect;

import dev.snapback.model.InvalidConfigException;
import dev.snapback.remediate.PasswordPolicy;
import java.util.Arrays;
import java.util.Set;

/**
 * The account password policy {@code password-policy-weakened} holds the account to. Each limit is IAM's own, so a
 * baseline IAM would refuse fails at synth rather than at the first remediation.
 *
 * @param passwordMinLength        characters, 6 to 128 (default 14)
 * @param passwordCharacterClasses classes a password must contain: {@code symbols}, {@code numbers},
 *                                 {@code uppercase}, {@code lowercase} (default all four)
 * @param passwordReusePrevention  earlier passwords that cannot be reused, 1 to 24 (default 24)
 * @param passwordMaxAgeDays       days a password is valid, 1 to 1095 (default 90)
 */
public record PasswordSettings(int passwordMinLength, Set<PasswordSettings.CharacterClass> passwordCharacterClasses,
                               int passwordReusePrevention, int passwordMaxAgeDays) {

    public static final PasswordSettings DEFAULTS = new PasswordSettings(14, Set.of(CharacterClass.values()), 24, 90);

    /** A class of characters a password policy can require. */
    public enum CharacterClass {
        SYMBOLS, NUMBERS, UPPERCASE, LOWERCASE;

        public static CharacterClass parse(String value, String field) {
            return Arrays.stream(values()).filter(c -> c.name().equalsIgnoreCase(value)).findFirst()
                    .orElseThrow(() -> new InvalidConfigException(field, "'" + value + "' is not one of symbols, numbers,"
                            + " uppercase, lowercase"));
        }
    }

    public PasswordSettings {
        passwordCharacterClasses = Set.copyOf(passwordCharacterClasses);
        within("passwordMinLength", passwordMinLength, 6, 128);
        within("passwordReusePrevention", passwordReusePrevention, 1, 24);
        within("passwordMaxAgeDays", passwordMaxAgeDays, 1, 1095);
    }

    public PasswordPolicy baseline() {
        return new PasswordPolicy(passwordMinLength, passwordCharacterClasses.contains(CharacterClass.SYMBOLS),
                passwordCharacterClasses.contains(CharacterClass.NUMBERS), passwordCharacterClasses.contains(CharacterClass.UPPERCASE),
                passwordCharacterClasses.contains(CharacterClass.LOWERCASE), passwordReusePrevention, passwordMaxAgeDays);
    }

    private static void within(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(field, "must be " + min + " to " + max + ", as IAM allows; got " + value);
        }
    }
}
