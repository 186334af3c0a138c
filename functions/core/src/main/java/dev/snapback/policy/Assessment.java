package dev.snapback.policy;

import dev.snapback.event.CloudTrailEvent;
import java.util.List;

/** One detector's result for one event: ignored (and why), or the decisions on its findings. */
public sealed interface Assessment {

    String detectorId();

    CloudTrailEvent event();

    record Ignored(String detectorId, CloudTrailEvent event, String reason) implements Assessment {
    }

    record Decided(String detectorId, CloudTrailEvent event, List<Decision> decisions) implements Assessment {
        public Decided {
            decisions = List.copyOf(decisions);
        }
    }
}
