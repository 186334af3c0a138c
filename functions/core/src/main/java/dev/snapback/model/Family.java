package dev.snapback.model;

/**
 * A group of detectors deployed as one Lambda function. {@code functionId} names the function and its rules in the
 * stack; the lambda module maps each family to its entry point.
 */
public enum Family {
    MFA("mfa"),
    SECURITY_GROUPS("security-groups"),
    /** The network edge beyond security groups: network ACLs, stateless, so their return-traffic ranges are kept. */
    NETWORK("network"),
    TRAILS("trails"),
    /** Data exposure: S3 Block Public Access, and buckets granted to everyone. */
    DATA("data"),
    /**
     * TLS between services: bucket policies that require it. Its own function, since its calls are also
     * {@code data}'s, and one function reached by two rules would run twice for one event.
     */
    TRANSPORT("transport"),
    KEYS("keys"),
    /** Who calls, across every service: root's activity and bursts of denied calls. Pages only. */
    IDENTITY("identity"),
    /**
     * The controls that let the account see and protect itself: KMS keys, AWS Config, GuardDuty, Security Hub, and
     * the organization above them.
     */
    DETECTIVE("detective-controls"),
    /** Snapback's own controls. Its role may write the quarantine policy, and the MFA role, which attaches it, may not. */
    GUARD("guard");

    private final String functionId;

    Family(String functionId) {
        this.functionId = functionId;
    }

    public String functionId() {
        return functionId;
    }
}
