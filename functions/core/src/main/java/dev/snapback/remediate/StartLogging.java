package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import java.util.List;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailStatusResponse;

/** Start logging again, in the trail's home region, unless the trail already logs ({@code GetTrailStatus}). */
public record StartLogging(String trailArn, String homeRegion) implements Remediation {

    public static final List<IamGrant> GRANTS = List.of(IamGrant.of(
            "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*", "cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"));

    @Override
    public String describe() {
        return "start logging on " + trailArn;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("restart logging", "logging restarted");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        CloudTrailClient cloudTrail = aws.cloudTrail(homeRegion);
        GetTrailStatusResponse status = cloudTrail.getTrailStatus(r -> r.name(trailArn));
        if (Boolean.TRUE.equals(status.isLogging())) {
            return new Outcome.AlreadyCompliant("the trail logs again" + (status.startLoggingTime() == null ? ""
                    : " (logging started " + status.startLoggingTime() + ")"));
        }
        cloudTrail.startLogging(r -> r.name(trailArn));
        return new Outcome.Remediated(List.of(describe()),
                List.of("aws cloudtrail stop-logging --region " + homeRegion + " --name " + trailArn));
    }
}
