package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.ResourceRef;
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

    /**
     * The root user of the account the event happened in. Built from the account, not read from the caller's ARN:
     * the caller need not be root (a request naming root's device) and its ARN may be absent or damaged.
     */
    static ResourceRef rootUser(CloudTrailEvent event) {
        return new ResourceRef("AWS::IAM::RootUser", "arn:" + event.partition() + ":iam::" + event.account() + ":root");
    }
}
