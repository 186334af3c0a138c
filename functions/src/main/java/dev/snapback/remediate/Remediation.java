package dev.snapback.remediate;

import java.util.List;

/**
 * A proposed fix, as data. Detectors build these; the executor turns them into AWS SDK calls in the event's account
 * and region (IAM through the global endpoint; trails in their home region). Every value names exactly what to
 * change, never "everything that looks similar".
 */
public sealed interface Remediation {

    /** One line for alerts and replay output, e.g. "revoke sgr-0a1 on sg-0abc". */
    String describe();

    /**
     * One ingress rule the event added. {@code ruleId} is from {@code responseElements.securityGroupRuleSet} and is
     * {@code null} when the event did not carry it; {@code cidr} is IPv4 or IPv6. Ports are {@code null} for
     * protocol {@code -1}.
     */
    record IngressRule(String ruleId, String protocol, Integer fromPort, Integer toPort, String cidr) {
        /** The name EC2 reports for the protocols whose rules it describes by name; anything else as given. */
        public static String protocolName(String ipProtocol) {
            String protocol = ipProtocol.trim().toLowerCase();
            return switch (protocol) {
                case "6" -> "tcp";
                case "17" -> "udp";
                case "1" -> "icmp";
                case "58" -> "icmpv6";
                default -> protocol;
            };
        }

        public String describePorts() {
            if ("-1".equals(protocol)) return "all traffic";
            String proto = protocolName(protocol);
            if (fromPort == null || toPort == null) return proto;
            return (fromPort.equals(toPort) ? fromPort.toString() : fromPort + "-" + toPort) + "/" + proto;
        }
    }

    /** Revoke exactly these rules: by rule id when every rule has one, else by the exact permissions. */
    record RevokeIngress(String groupId, List<IngressRule> rules) implements Remediation {
        public RevokeIngress {
            rules = List.copyOf(rules);
            if (rules.isEmpty()) throw new IllegalArgumentException("nothing to revoke on " + groupId);
        }

        public boolean byRuleIds() {
            return rules.stream().allMatch(r -> r.ruleId() != null);
        }

        @Override
        public String describe() {
            return "revoke " + (byRuleIds()
                    ? String.join(", ", rules.stream().map(IngressRule::ruleId).toList())
                    : rules.size() + " ingress permission(s)") + " on " + groupId;
        }
    }

    record StartLogging(String trailArn, String homeRegion) implements Remediation {
        @Override
        public String describe() {
            return "start logging on " + trailArn;
        }
    }

    /** Restore the settings that were weakened; {@code null} fields are left as they are. */
    record RestoreTrailSettings(String trailArn, String homeRegion, Boolean multiRegion,
                                Boolean includeGlobalServiceEvents, Boolean logFileValidation, String kmsKeyId)
            implements Remediation {
        @Override
        public String describe() {
            StringBuilder what = new StringBuilder("restore");
            if (Boolean.TRUE.equals(multiRegion)) what.append(" multi-region,");
            if (Boolean.TRUE.equals(includeGlobalServiceEvents)) what.append(" global service events,");
            if (Boolean.TRUE.equals(logFileValidation)) what.append(" log file validation,");
            if (kmsKeyId != null) what.append(" KMS encryption,");
            what.setLength(what.length() - 1);
            return what + " on " + trailArn;
        }
    }

    /**
     * Put back event selectors that log write management events. {@code selectorsJson} is the complete corrected
     * selector list in the API's JSON shape ({@code EventSelectors} or {@code AdvancedEventSelectors} when
     * {@code advanced}), built from the event's own request so data-event selectors are kept.
     */
    record RestoreEventSelectors(String trailArn, String homeRegion, String selectorsJson, boolean advanced)
            implements Remediation {
        @Override
        public String describe() {
            return "restore write management events on " + trailArn;
        }
    }

    /** Set exactly this key inactive; {@code userName} always names the key's owner (never defaulted to the caller). */
    record DeactivateAccessKey(String userName, String accessKeyId) implements Remediation {
        @Override
        public String describe() {
            return "deactivate access key " + accessKeyId + " of user " + userName;
        }
    }

    /** Delete the EC2 key pair, by id when the event has one, else by name, in the event's region. */
    record DeleteKeyPair(String keyPairId, String keyName) implements Remediation {
        @Override
        public String describe() {
            return "delete key pair " + (keyPairId != null ? keyPairId + " (" + keyName + ")" : keyName);
        }
    }

    /** Attach the inline deny-unless-MFA policy that still lets the user enrol a new MFA device. */
    record QuarantineUser(String userName) implements Remediation {
        @Override
        public String describe() {
            return "quarantine user " + userName + " until MFA is re-enabled";
        }
    }

    /** Remove the quarantine policy after the user enrolled MFA again. */
    record ReleaseQuarantine(String userName) implements Remediation {
        @Override
        public String describe() {
            return "release quarantine of user " + userName;
        }
    }

    /** No safe automatic fix: a person must look. {@code reason} says why. */
    record PageOnly(String reason) implements Remediation {
        @Override
        public String describe() {
            return "page only: " + reason;
        }
    }
}
