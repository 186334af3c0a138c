package dev.snapback.detect;

import dev.snapback.event.CloudTrailEvent;
import dev.snapback.event.Fields;
import dev.snapback.event.Principal;
import dev.snapback.model.Family;
import dev.snapback.model.IamGrant;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.remediate.PageOnly;
import dev.snapback.remediate.QuarantineUser;
import dev.snapback.remediate.ReleaseQuarantine;
import dev.snapback.remediate.Remediation;
import java.util.List;
import java.util.Objects;

/**
 * MFA turned off on an IAM user (quarantine until re-enrolled) or on root (page, CRITICAL); MFA enabled again for a
 * user (release the quarantine, HIGH: the quarantine lets whoever holds the password enrol a device, so a person
 * checks the device, who enrolled it and from where; with {@code quarantineRelease: manual} the quarantine stays
 * for an operator to lift).
 *
 * <p>Whose device a call changed comes only from the event: the request's {@code userName}, else the caller when
 * IAM itself applies the call to the caller (an IAM user, or root). A device's serial number is never read as a user
 * name: a virtual device's name is chosen freely, so {@code mfa/alice} may belong to anyone.
 */
public record MfaDeactivatedDetector(MfaSettings settings) implements Detector {

    public static final DetectorSpec SPEC = new DetectorSpec(
            "mfa-deactivated",
            "MFA deactivated",
            Family.MFA,
            Severity.HIGH,
            Mode.REMEDIATE,
            List.of(EventPattern.apiCalls("iam", "DeactivateMFADevice", "DeleteVirtualMFADevice", "EnableMFADevice")),
            IamGrant.allOf(QuarantineUser.GRANTS, ReleaseQuarantine.GRANTS));

    /** The {@code userName} CloudTrail records when root changes its own MFA from the console. */
    static final String ROOT_USER_NAME = "AWS ROOT USER";

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public Verdict evaluate(CloudTrailEvent event) {
        return switch (event.eventName()) {
            case "DeactivateMFADevice" -> deactivated(event);
            case "DeleteVirtualMFADevice" -> deleted(event);
            case "EnableMFADevice" -> enabled(event);
            default -> Verdict.clean(event.eventName() + " does not change MFA");
        };
    }

    private static Verdict deactivated(CloudTrailEvent event) {
        String serial = serialNumber(event);
        return switch (ownerOf(event)) {
            case Owner.Root() -> rootFlagged(event, "root MFA device deactivated", serial);
            case Owner.User(String user) -> flagged(event, Severity.HIGH,
                    "MFA device deactivated for user " + user, user(user), new QuarantineUser(user),
                    user, serial);
            case Owner.Unknown(String why) -> flagged(event, Severity.HIGH,
                    "MFA device deactivated for an unknown owner", device(event, serial),
                    new PageOnly(why + "; nobody was quarantined, please find the user and review"),
                    null, serial);
        };
    }

    /**
     * A virtual device can only be deleted once deactivated, and the deactivation event already quarantined its user.
     * The deletion names only the serial number, whose name says nothing reliable about its owner: page.
     */
    private static Verdict deleted(CloudTrailEvent event) {
        String serial = serialNumber(event);
        if (isRootSerial(serial)) return rootFlagged(event, "root virtual MFA device deleted", serial);
        String reason = serial == null
                ? "the event names no serial number, so the deleted device and its owner are unknown"
                : "the event names only the serial number " + serial + ", which does not tell whose device it was"
                        + " (the DeactivateMFADevice event before it is the one that quarantines the user)";
        return flagged(event, Severity.HIGH, "virtual MFA device deleted", device(event, serial),
                new PageOnly(reason), null, serial);
    }

    private Verdict enabled(CloudTrailEvent event) {
        String serial = serialNumber(event);
        boolean manual = settings.quarantineRelease() == MfaSettings.QuarantineRelease.MANUAL;
        String from = Objects.requireNonNullElse(event.sourceIp(), "an unrecorded IP");
        return switch (ownerOf(event)) {
            case Owner.Root() -> Verdict.clean("root enabled an MFA device");
            case Owner.User(String user) when isCaller(event, user) -> flagged(event, Severity.HIGH,
                    "user " + user + " re-enrolled MFA themself", user(user), new ReleaseQuarantine(user, manual),
                    user, serial, "user " + user + " enrolled device " + Objects.requireNonNullElse(serial, "(unnamed)")
                            + " themself (" + event.actor().label() + " from " + from + "), which lifts a quarantine;"
                            + " whoever holds the password can do that, so make sure it was " + user);
            case Owner.User(String user) -> flagged(event, Severity.HIGH, "MFA device enabled for user " + user,
                    user(user), new ReleaseQuarantine(user, manual), user, serial, event.actor().label() + " enrolled device "
                            + Objects.requireNonNullElse(serial, "(unnamed)") + " for user " + user + " from " + from
                            + ", which lifts a quarantine; make sure the device is " + user + "'s");
            case Owner.Unknown(String why) -> flagged(event, Severity.LOW, "MFA device enabled for an unknown owner",
                    device(event, serial), new PageOnly(why + "; no quarantine was released"),
                    null, serial);
        };
    }

    /** The call was made by the very IAM user whose device it enabled. */
    private static boolean isCaller(CloudTrailEvent event, String user) {
        return event.actor() instanceof Principal.IamUser caller && caller.userName().equals(user);
    }

    private static Verdict rootFlagged(CloudTrailEvent event, String title, String serial) {
        return flagged(event, Severity.CRITICAL, title, Facts.rootUser(event),
                new PageOnly("root's MFA is never changed automatically; make sure root has MFA again"
                        + " and find out who holds root's credentials"), null, serial);
    }

    private static Verdict flagged(CloudTrailEvent event, Severity severity, String title, ResourceRef resource,
                                   Remediation proposed, String user, String serial) {
        return flagged(event, severity, title, resource, proposed, user, serial, null);
    }

    private static Verdict flagged(CloudTrailEvent event, Severity severity, String title, ResourceRef resource,
                                   Remediation proposed, String user, String serial, String check) {
        return Verdict.flagged(new Finding(SPEC.id(), severity, title, resource, proposed,
                Facts.of(event, "user", user, "MFA device", serial, "check", check), event));
    }

    /** Whose MFA device a call changed, as far as the event tells. */
    private sealed interface Owner {
        record Root() implements Owner {
        }

        record User(String name) implements Owner {
        }

        record Unknown(String why) implements Owner {
        }
    }

    private static Owner ownerOf(CloudTrailEvent event) {
        String userName = Fields.text(event.request(), "userName");
        if (ROOT_USER_NAME.equals(userName) || isRootSerial(serialNumber(event))) return new Owner.Root();
        if (userName != null) return new Owner.User(userName);
        // Without userName IAM applies the call to the caller itself (root through an AssumeRoot session).
        return switch (event.actor()) {
            case Principal.Root _ -> new Owner.Root();
            case Principal.IamUser user -> new Owner.User(user.userName());
            default -> new Owner.Unknown("the request names no userName and the caller, " + event.actor().label()
                    + ", is not an IAM user, so whose device it was is unknown");
        };
    }

    /** Root's virtual device has a fixed name; its security keys are listed under {@code u2f/root/}. */
    static boolean isRootSerial(String serial) {
        return serial != null && (serial.endsWith(":mfa/root-account-mfa-device") || serial.contains(":u2f/root/"));
    }

    private static String serialNumber(CloudTrailEvent event) {
        return Fields.text(event.request(), "serialNumber");
    }

    private static ResourceRef user(String userName) {
        return new ResourceRef("AWS::IAM::User", userName);
    }

    private static ResourceRef device(CloudTrailEvent event, String serial) {
        return serial == null
                ? new ResourceRef("AWS::CloudTrail::Event", event.eventId())
                : new ResourceRef("AWS::IAM::VirtualMFADevice", serial);
    }
}
