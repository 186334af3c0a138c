package dev.snapback.remediate;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Outcome;
import dev.snapback.model.OwnNames;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/** Turn the actions of one of Snapback's alarms back on, unless they are on ({@code DescribeAlarms}). */
public record EnableAlarmActions(String region, String alarmName) implements Remediation {

    /**
     * Each of Snapback's alarms by name where it has them: all of them in the home region of the function that holds
     * these grants, only the dead-letter alarm anywhere else (all a forwarding stack deploys).
     */
    public static final List<IamGrant> GRANTS = List.of(new IamGrant(
            List.of("cloudwatch:DescribeAlarms", "cloudwatch:EnableAlarmActions"),
            Stream.concat(OwnNames.alarms().stream().map(name -> "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:" + name),
                    Stream.of("arn:${AWS::Partition}:cloudwatch:*:${AWS::AccountId}:alarm:" + OwnNames.DEAD_LETTERS_ALARM)).toList(),
            Map.of()));

    @Override
    public String describe() {
        return "enable the actions of alarm " + alarmName + " in " + region;
    }

    @Override
    public Verbs verbs() {
        return new Verbs("enable alarm actions", "alarm actions enabled");
    }

    @Override
    public Outcome apply(AwsClients aws, CloudTrailEvent cause) {
        CloudWatchClient cloudWatch = aws.cloudWatch(region);
        List<MetricAlarm> alarms = cloudWatch.describeAlarms(r -> r.alarmNames(alarmName)).metricAlarms();
        if (alarms.isEmpty()) {
            return new Outcome.Superseded("alarm " + alarmName + " no longer exists in " + region
                    + "; deploying Snapback again recreates it");
        }
        if (Boolean.TRUE.equals(alarms.getFirst().actionsEnabled())) {
            return new Outcome.AlreadyCompliant("the actions of alarm " + alarmName + " are on again");
        }
        cloudWatch.enableAlarmActions(r -> r.alarmNames(alarmName));
        return new Outcome.Remediated(List.of("enabled the actions of alarm " + alarmName + " in " + region),
                List.of("aws cloudwatch disable-alarm-actions --region " + region + " --alarm-names " + alarmName));
    }
}
