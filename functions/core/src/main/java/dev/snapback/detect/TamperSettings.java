package dev.snapback.detect;

import dev.snapback.event.Principal;
import dev.snapback.model.InvalidConfigException;
import dev.snapback.settings.IamArns;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code snapback-tampered} knows of its deployment beyond the names {@link dev.snapback.model.OwnNames} gives: the stack fills
 * these in from what it deployed, never from tags.
 *
 * @param snapbackHomeRegion the region of the functions, the audit table and the alert topics; {@code null} (a replay
 *                           with no deployment named) recognizes them in any region, and cannot restore rule targets
 * @param snapbackRegions    every region with a Snapback stack (home and forwarding); empty: any region
 * @param snapbackKeyArns    the KMS keys of the alert topics
 * @param snapbackTableArns  the audit table
 * @param deploymentRoleArns the roles that deploy Snapback (a pipeline's, CloudFormation's execution role): their changes
 *                           to Snapback's resources are audited, not tampering, as are calls CloudFormation makes
 */
public record TamperSettings(
        String snapbackHomeRegion,
        Set<String> snapbackRegions,
        Set<String> snapbackKeyArns,
        Set<String> snapbackTableArns,
        Set<String> deploymentRoleArns) {

    public static final TamperSettings DEFAULTS = new TamperSettings(null, Set.of(), Set.of(), Set.of(), Set.of());

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
    private static final Pattern KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[0-9a-f-]+");
    private static final Pattern TABLE_ARN = Pattern.compile("arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\\d{12}:table/[A-Za-z0-9_.-]{3,255}");

    public TamperSettings {
        if (snapbackHomeRegion != null && !REGION.matcher(snapbackHomeRegion).matches()) {
            throw new InvalidConfigException("snapbackHomeRegion", "not an AWS region: " + snapbackHomeRegion);
        }
        snapbackRegions = matching("snapbackRegions", snapbackRegions, REGION);
        snapbackKeyArns = keyArns(snapbackKeyArns);
        snapbackTableArns = matching("snapbackTableArns", snapbackTableArns, TABLE_ARN);
        deploymentRoleArns = IamArns.requireExact("deploymentRoleArns", deploymentRoleArns);
    }

    /** {@code snapbackKeyArns} as given, refused unless each is a KMS key ARN. */
    static Set<String> keyArns(Set<String> snapbackKeyArns) {
        return matching("snapbackKeyArns", snapbackKeyArns, KEY_ARN);
    }

    /** Whether Snapback has a stack in {@code region}. */
    public boolean watches(String region) {
        return snapbackRegions.isEmpty() || snapbackRegions.contains(region) || region.equals(snapbackHomeRegion);
    }

    /** Whether the functions, table and topics live in {@code region}. */
    public boolean isHome(String region) {
        return snapbackHomeRegion == null || snapbackHomeRegion.equals(region);
    }

    /**
     * The deployment, not tampering: CloudFormation ({@code invokedBy}) or a listed deployment role, matched by role
     * identity as Snapback's own roles are.
     */
    public boolean isDeployment(Principal actor) {
        if (byCloudFormation(actor)) return true;
        return actor.role().map(role -> IamArns.listsRole(deploymentRoleArns, role)).orElse(false);
    }

    /** A call CloudFormation made ({@code invokedBy}) while it deployed a stack. */
    static boolean byCloudFormation(Principal actor) {
        return actor instanceof Principal.AssumedRole role && "cloudformation.amazonaws.com".equals(role.invokedBy());
    }

    private static Set<String> matching(String field, Set<String> values, Pattern form) {
        for (String value : values) {
            if (!form.matcher(value).matches()) throw new InvalidConfigException(field, "expected " + form + ", got " + value);
        }
        return Set.copyOf(values);
    }
}
