package dev.snapback.detect;

import java.util.List;

/**
 * IAM actions a detector's remediation needs, on the narrowest resources the API allows. Resources use
 * CloudFormation {@code Fn::Sub} syntax ({@code arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:security-group/*}) so
 * the stack can scope them to its own account.
 */
public record IamGrant(List<String> actions, List<String> resources) {

    public IamGrant {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
        if (actions.isEmpty() || resources.isEmpty()) {
            throw new IllegalArgumentException("a grant needs actions and resources");
        }
        for (String action : actions) {
            if (action.contains("*")) {
                throw new IllegalArgumentException("wildcard actions are not allowed: " + action);
            }
        }
    }

    public static IamGrant of(String resource, String... actions) {
        return new IamGrant(List.of(actions), List.of(resource));
    }
}
