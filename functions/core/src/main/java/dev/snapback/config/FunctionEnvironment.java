package dev.snapback.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The deployment contract: the environment variables the stack sets on every function and the functions read. Both
 * sides go through this record, so no variable name is spelled twice.
 *
 * @param config             the configuration file's JSON ({@link SnapbackConfig}); {@code null}: the defaults
 * @param auditTable         the DynamoDB table of decisions
 * @param alertTopicArn      the SNS topic pages go to
 * @param breakGlassTopicArn the second channel, with its own key and subscribers, that pages tampering with the
 *                           first; {@code null}: none
 * @param modesParameter     the SSM parameter of run-time mode overrides; {@code null}: none
 * @param serviceName        the service name in logs and metrics (Powertools reads it itself)
 * @param metricsNamespace   the CloudWatch namespace of the metrics; {@code null}: {@value #DEFAULT_METRICS_NAMESPACE}
 */
public record FunctionEnvironment(
        String config,
        String auditTable,
        String alertTopicArn,
        String breakGlassTopicArn,
        String modesParameter,
        String serviceName,
        String metricsNamespace) {

    public static final String CONFIG = "SNAPBACK_CONFIG";
    public static final String AUDIT_TABLE = "SNAPBACK_AUDIT_TABLE";
    public static final String ALERT_TOPIC_ARN = "SNAPBACK_ALERT_TOPIC_ARN";
    public static final String BREAK_GLASS_TOPIC_ARN = "SNAPBACK_BREAK_GLASS_TOPIC_ARN";
    public static final String MODES_PARAMETER = "SNAPBACK_MODES_PARAMETER";
    public static final String SERVICE_NAME = "POWERTOOLS_SERVICE_NAME";
    public static final String METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE";
    public static final String DEFAULT_METRICS_NAMESPACE = "Snapback";

    /** As a function reads its environment. Fails, naming the variable, when the table or the topic is missing. */
    public static FunctionEnvironment of(Map<String, String> environment) {
        return new FunctionEnvironment(optional(environment, CONFIG), required(environment, AUDIT_TABLE),
                required(environment, ALERT_TOPIC_ARN), optional(environment, BREAK_GLASS_TOPIC_ARN),
                optional(environment, MODES_PARAMETER),
                optional(environment, SERVICE_NAME), optional(environment, METRICS_NAMESPACE));
    }

    /** The variables as the stack sets them; those without a value are left out. */
    public Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        put(variables, CONFIG, config);
        put(variables, AUDIT_TABLE, auditTable);
        put(variables, ALERT_TOPIC_ARN, alertTopicArn);
        put(variables, BREAK_GLASS_TOPIC_ARN, breakGlassTopicArn);
        put(variables, MODES_PARAMETER, modesParameter);
        put(variables, SERVICE_NAME, serviceName);
        put(variables, METRICS_NAMESPACE, metricsNamespace);
        return variables;
    }

    public SnapbackConfig snapbackConfig() {
        return config == null ? SnapbackConfig.defaults() : SnapbackConfig.fromJson(config);
    }

    private static void put(Map<String, String> variables, String name, String value) {
        if (value != null) variables.put(name, value);
    }

    private static String optional(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static String required(Map<String, String> environment, String name) {
        String value = optional(environment, name);
        if (value == null) throw new IllegalStateException(name + " is not set");
        return value;
    }
}
