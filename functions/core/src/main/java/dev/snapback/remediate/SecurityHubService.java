package dev.snapback.remediate;

import java.util.List;
import java.util.Optional;

/**
 * The Security Hub calls Snapback makes, in one region. {@link JsonSecurityHubService} makes them where the SDK's
 * {@code securityhub} module cannot be had; where it can, its {@code SecurityHubClient} implements this in a few lines.
 */
public interface SecurityHubService {

    /**
     * The subscriptions, of those named, that the region has; empty when Security Hub itself is not enabled there.
     */
    Optional<List<Subscription>> enabledStandards(List<String> subscriptionArns);

    /** Subscribes to each standard, by its standards ARN. */
    void enableStandards(List<String> standardsArns);

    /** One standards subscription, as {@code GetEnabledStandards} answers: its status is PENDING, READY, ... */
    record Subscription(String subscriptionArn, String standardsArn, String status) {
    }
}
