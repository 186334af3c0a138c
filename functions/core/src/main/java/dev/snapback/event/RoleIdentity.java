package dev.snapback.event;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IAM role as IAM identifies it: partition, account and name. A role's name is unique in its account whatever its
 * path, so {@code role/snapback-mfa} and {@code role/service/snapback-mfa} cannot both exist, and every form in which
 * CloudTrail names a role (its ARN with or without a path, the {@code assumed-role/NAME/SESSION} ARN of a session)
 * reduces to the same identity. Names are compared exactly: {@code snapback-mfa-test} is another role.
 */
public record RoleIdentity(String partition, String account, String name) {

    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/(?:[^/]+/)*([\\w+=,.@-]{1,64})");
    private static final Pattern SESSION_ARN = Pattern.compile("arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/[^/]+");
    /**
     * An account's callers are few and each asks many times (every detector checks whether a caller is Snapback or
     * managed), so each ARN is matched once; the bound keeps a flood of distinct session names from growing it.
     */
    private static final int MAX_KNOWN = 10_000;
    private static final Map<String, Optional<RoleIdentity>> KNOWN_ROLE_ARNS = new ConcurrentHashMap<>();
    private static final Map<String, Optional<RoleIdentity>> KNOWN_SESSION_ARNS = new ConcurrentHashMap<>();

    /** The role of an IAM role ARN ({@code arn:aws:iam::111122223333:role/path/NAME}); empty for anything else. */
    public static Optional<RoleIdentity> ofRoleArn(String arn) {
        return of(ROLE_ARN, KNOWN_ROLE_ARNS, arn);
    }

    /** The role of a session ARN ({@code arn:aws:sts::111122223333:assumed-role/NAME/SESSION}); empty otherwise. */
    public static Optional<RoleIdentity> ofSessionArn(String arn) {
        return of(SESSION_ARN, KNOWN_SESSION_ARNS, arn);
    }

    private static Optional<RoleIdentity> of(Pattern pattern, Map<String, Optional<RoleIdentity>> known, String arn) {
        if (arn == null) return Optional.empty();
        Optional<RoleIdentity> role = known.get(arn);
        if (role != null) return role;
        Matcher m = pattern.matcher(arn);
        role = m.matches() ? Optional.of(new RoleIdentity(m.group(1), m.group(2), m.group(3))) : Optional.empty();
        if (known.size() < MAX_KNOWN) known.put(arn, role);
        return role;
    }
}
