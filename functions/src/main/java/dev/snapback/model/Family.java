package dev.snapback.model;

/**
 * A group of detectors deployed as one Lambda function. {@code functionId} names the function and its rules in the
 * stack; {@code handlerClass} is its entry point in the shaded jar.
 */
public enum Family {
    MFA("mfa", "dev.snapback.handler.MfaHandler"),
    SECURITY_GROUPS("security-groups", "dev.snapback.handler.SecurityGroupHandler"),
    TRAILS("trails", "dev.snapback.handler.TrailHandler"),
    KEYS("keys", "dev.snapback.handler.KeyHandler"),
    /** Snapback's own controls. Its role may write the quarantine policy, and the MFA role, which attaches it, may not. */
    GUARD("guard", "dev.snapback.handler.GuardHandler");

    private final String functionId;
    private final String handlerClass;

    Family(String functionId, String handlerClass) {
        this.functionId = functionId;
        this.handlerClass = handlerClass;
    }

    public String functionId() {
        return functionId;
    }

    public String handlerClass() {
        return handlerClass;
    }
}
