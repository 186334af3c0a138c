package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import java.util.Set;

/**
 * Subscribe Security Hub again to the standards that {@code BatchDisableStandards} turned off, with one
 * {@code BatchEnableStandards} call naming the same standards. Read first ({@code GetEnabledStandards}): standards
 * subscribed again need nothing; a region whose Security Hub was disabled since is a newer change (its
 * {@code DisableSecurityHub} event pages).
 *
 * @param standards each subscription the call removed, with the standard it subscribed to (from the call's answer)
 */
public record ReenableStandards(String region, List<Standard> standards) implements Remediation {

    /** The account's hubs, in any region. Subscribing to a standard only checks; it grants nobody anything. */
    public static final List<IamGrant> GRANTS = List.of(IamGrant.of("arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:hub/default",
            "securityhub:GetEnabledStandards", "securityhub:BatchEnableStandards"));

    /** A subscription's statuses that mean it is in force, or on its way there. */
    private static final Set<String> SUBSCRIBED = Set.of("PENDING", "READY", "INCOMPLETE");

    public ReenableStandards {
        standards = List.copyOf(standards);
        if (standards.isEmpty()) throw new IllegalArgumentException("no standards to re-enable");
    }

    /** One standard: the subscription that was removed, and the standard it was to. */
    public record Standard(String subscriptionArn, String standardsArn) {
    }

    @Override
    public String describe() {
        return "re-enable " + String.join(", ", standards.stream().map(Standard::standardsArn).toList()) + " in " + region;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("re-enable standards", "standards re-enabled");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        SecurityHubService securityHub = aws.securityHub(region);
        var present = securityHub.enabledStandards(standards.stream().map(Standard::subscriptionArn).toList()).orElse(null);
        if (present == null) {
            return new Outcome.Superseded("Security Hub is not enabled in " + region + " any more; its DisableSecurityHub"
                    + " event pages");
        }
        List<Standard> missing = standards.stream().filter(standard -> present.stream().noneMatch(subscription ->
                subscription.subscriptionArn().equals(standard.subscriptionArn()) && SUBSCRIBED.contains(subscription.status())))
                .toList();
        if (missing.isEmpty()) return new Outcome.AlreadyCompliant("every standard is subscribed again in " + region);
        securityHub.enableStandards(missing.stream().map(Standard::standardsArn).toList());
        return new Outcome.Remediated(List.of("re-enabled " + String.join(", ", missing.stream().map(Standard::standardsArn).toList())
                + " in " + region), List.of("aws securityhub batch-disable-standards --region " + region
                + " --standards-subscription-arns " + String.join(" ", missing.stream()
                .map(standard -> AwsErrors.shellQuoted(standard.subscriptionArn())).toList())));
    }
}
