package dev.snapback.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The names Snapback's stacks give their own resources. The stacks name what they deploy with these, and
 * {@code snapback-tampered} recognizes its control plane by the same names, so the two cannot drift (the template
 * tests check every name). Fixed names, rather than CloudFormation's generated ones, let a function's configuration
 * and role name the rules that invoke it and the alarms on it without a dependency cycle. So there is one Snapback per
 * account and region, and the {@value #PREFIX} names are Snapback's.
 */
public final class OwnNames {

    public static final String PREFIX = "Snapback-";
    /** The home region's stack; a forwarding region's is {@link #forwardingStack}. */
    public static final String HOME_STACK = "Snapback";
    /** The alias every rule invokes, on the published version SnapStart restores. */
    public static final String ALIAS = "live";
    /** The id EventBridge gives a rule's one target. */
    public static final String RULE_TARGET_ID = "Target0";
    /** A rule target's retries: within a day, as EventBridge allows at most; then the dead-letter queue. */
    public static final int RULE_RETRY_ATTEMPTS = 185;
    public static final int RULE_MAX_EVENT_AGE_SECONDS = 24 * 60 * 60;
    public static final String ALERT_TOPIC = PREFIX + "alerts";
    public static final String BREAK_GLASS_TOPIC = PREFIX + "break-glass";
    public static final String DEAD_LETTER_QUEUE = PREFIX + "dead-letters";
    public static final String DEAD_LETTERS_ALARM = PREFIX + "dead-letters";
    public static final String HEARTBEAT_ALARM = PREFIX + "heartbeat";
    /** Pages when the rule that watches EventBridge itself stops matching the canary's calls. */
    public static final String RULE_HEARTBEAT_ALARM = PREFIX + "heartbeat-rules";
    /** The disabled rule the canary puts back every hour: a recorded EventBridge call the guard's own rule matches. */
    public static final String HEARTBEAT_RULE = PREFIX + "heartbeat";
    public static final String CANARY_ROLE = PREFIX + "canary";
    /** The run-time mode overrides: {@code {"security-group-opened":"dry-run"}}. */
    public static final String MODES_PARAMETER = "/snapback/modes";
    /** What the canary writes, so that a recorded call reaches Snapback on schedule. */
    public static final String HEARTBEAT_PARAMETER = "/snapback/heartbeat";

    private OwnNames() {
    }

    public static String function(Family family) {
        return PREFIX + family.functionId();
    }

    public static String errorsAlarm(Family family) {
        return function(family) + "-errors";
    }

    public static String throttlesAlarm(Family family) {
        return function(family) + "-throttles";
    }

    public static String forwardingStack(String region) {
        return PREFIX + "forward-" + region;
    }

    /** The role a forwarding stack's rules send events to the home region with (IAM names are account-wide). */
    public static String forwardRole(String region) {
        return PREFIX + "forward-" + region;
    }

    /** {@code Snapback-security-group-opened-ec2}: the detector's id and the service of the pattern's events ({@code all}). */
    public static String rule(String detectorId, String service) {
        return PREFIX + detectorId + "-" + service;
    }

    public static List<String> functions() {
        return Arrays.stream(Family.values()).map(OwnNames::function).toList();
    }

    /** Every alarm Snapback deploys, under the same names in every region that has it. */
    public static List<String> alarms() {
        List<String> alarms = new ArrayList<>(List.of(DEAD_LETTERS_ALARM, HEARTBEAT_ALARM, RULE_HEARTBEAT_ALARM));
        for (Family family : Family.values()) {
            alarms.add(errorsAlarm(family));
            alarms.add(throttlesAlarm(family));
        }
        return alarms;
    }
}
