package dev.snapback.infra;

import dev.snapback.model.OwnNames;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.EventBusProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * A region other than home: the same detector patterns, for the events that start here, sent on to the home
 * region's default event bus. Deliveries that fail every retry wait in a local dead-letter queue that pages through
 * a local topic (CloudWatch alarms can only notify a topic in their own region).
 */
public final class ForwardingStack extends Stack {

    public ForwardingStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);
        String region = props.getEnv().getRegion();
        Alerting alerting = new Alerting(this, "Alerts", OwnNames.ALERT_TOPIC, settings.alertEmails());
        DeadLetters deadLetters = new DeadLetters(this, "DeadLetters", alerting);
        String homeBusArn = formatArn(ArnComponents.builder()
                .service("events").region(settings.homeRegion()).resource("event-bus").resourceName("default").build());
        IEventBus homeBus = EventBus.fromEventBusArn(this, "HomeBus", homeBusArn);
        Role role = Role.Builder.create(this, "ForwardRole")
                .roleName(OwnNames.forwardRole(region))
                .assumedBy(new ServicePrincipal("events.amazonaws.com"))
                .description("Snapback: forwards matching CloudTrail events from " + region + " to " + settings.homeRegion())
                .build();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("events:PutEvents")).resources(List.of(homeBusArn)).build());

        for (DeclaredRule declared : DeclaredRule.all()) {
            if (!declared.arrivesIn(region, settings)) continue;
            Rule rule = declared.rule(this, "Snapback " + declared.spec().id() + ": forward " + declared.pattern().service()
                    + " to " + settings.homeRegion());
            rule.addTarget(new software.amazon.awscdk.services.events.targets.EventBus(homeBus, EventBusProps.builder()
                    .role(role)
                    .deadLetterQueue(deadLetters.queue())
                    .build()));
            // CDK's event bus target has no retry setting; EventBridge accepts one on every target.
            ((CfnRule) rule.getNode().getDefaultChild()).addPropertyOverride("Targets.0.RetryPolicy", Map.of(
                    "MaximumRetryAttempts", DeadLetters.RULE_RETRY_ATTEMPTS,
                    "MaximumEventAgeInSeconds", DeadLetters.RULE_MAX_EVENT_AGE.toSeconds()));
        }
    }
}
