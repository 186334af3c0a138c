package dev.snapback.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IAM actions a detector's remediation needs, on the narrowest resources the API allows. Resources use
 * CloudFormation {@code Fn::Sub} syntax ({@code arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:security-group/*}) so
 * the stack can scope them to its own account. {@code conditions} narrow the grant further, in IAM's JSON shape
 * (operator to condition key to values, values also in {@code Fn::Sub} syntax); empty when the resources suffice.
 */
public record IamGrant(List<String> actions, List<String> resources, Map<String, Map<String, List<String>>> conditions) {

    public IamGrant {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
        conditions = copy(conditions);
        if (actions.isEmpty() || resources.isEmpty()) {
            throw new IllegalArgumentException("a grant needs actions and resources");
        }
        for (String action : actions) {
            if (action.contains("*")) {
                throw new IllegalArgumentException("wildcard actions are not allowed: " + action);
            }
        }
    }

    /** The grants of several remediation kinds, each statement once. */
    @SafeVarargs
    public static List<IamGrant> allOf(List<IamGrant>... kinds) {
        return Arrays.stream(kinds).flatMap(List::stream).distinct().toList();
    }

    public static IamGrant of(String resource, String... actions) {
        return new IamGrant(List.of(actions), List.of(resource), Map.of());
    }

    /** This grant, only when {@code key} matches one of {@code values} under {@code operator} (e.g. ArnEquals). */
    public IamGrant when(String operator, String key, String... values) {
        Map<String, Map<String, List<String>>> narrower = new LinkedHashMap<>(conditions);
        Map<String, List<String>> keys = new LinkedHashMap<>(narrower.getOrDefault(operator, Map.of()));
        keys.put(key, List.of(values));
        narrower.put(operator, keys);
        return new IamGrant(actions, resources, narrower);
    }

    private static Map<String, Map<String, List<String>>> copy(Map<String, Map<String, List<String>>> conditions) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        conditions.forEach((operator, keys) -> {
            if (keys.isEmpty()) throw new IllegalArgumentException("condition operator " + operator + " names no key");
            Map<String, List<String>> copied = new LinkedHashMap<>();
            keys.forEach((key, values) -> {
                if (values.isEmpty()) throw new IllegalArgumentException("condition key " + key + " has no values");
                copied.put(key, List.copyOf(values));
            });
            out.put(operator, Collections.unmodifiableMap(copied));
        });
        return Collections.unmodifiableMap(out);
    }
}
