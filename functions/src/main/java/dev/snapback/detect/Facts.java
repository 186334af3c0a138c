package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ordered, human-readable facts of a finding: who called and from where first, then the detector's own. */
final class Facts {

    private Facts() {
    }

    /** {@code pairs} alternate name and value; pairs whose value is {@code null} are left out. */
    static Map<String, String> of(CloudTrailEvent event, String... pairs) {
        if (pairs.length % 2 != 0) throw new IllegalArgumentException("facts come in name/value pairs");
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("actor", event.actor().label());
        if (event.sourceIp() != null) facts.put("source IP", event.sourceIp());
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) facts.put(pairs[i], pairs[i + 1]);
        }
        return facts;
    }

    /** The account's root user: the ARN the event names, else the one its account implies. */
    static ResourceRef rootUser(CloudTrailEvent event) {
        String arn = event.actor() instanceof Principal.Root root && root.arn() != null
                ? root.arn()
                : "arn:" + event.partition() + ":iam::" + event.account() + ":root";
        return new ResourceRef("AWS::IAM::RootUser", arn);
    }
}
