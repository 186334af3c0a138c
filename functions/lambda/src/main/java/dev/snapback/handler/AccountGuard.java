package dev.snapback.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.snapback.detect.Finding;
import dev.snapback.event.CloudTrailEvent;
import dev.snapback.model.Mode;
import dev.snapback.model.ResourceRef;
import dev.snapback.model.Severity;
import dev.snapback.policy.Assessment;
import dev.snapback.policy.Decision;
import dev.snapback.remediate.PageOnly;
import java.util.List;
import java.util.Map;

/**
 * A function acts only in its own account: Snapback's role exists nowhere else. An event from another account is a
 * routing mistake or a forgery, so it is never acted on, and is paged.
 */
final class AccountGuard {

    /** Audit and metric id of events from another account than the function's. */
    static final String FOREIGN_ACCOUNT = "foreign-account";

    private AccountGuard() {
    }

    /** The account this function runs in: field 4 of its ARN ({@code arn:aws:lambda:region:account:function:name}). */
    static String functionAccount(Context context) {
        String[] arn = context.getInvokedFunctionArn().split(":");
        if (arn.length < 5 || !arn[4].matches("\\d{12}")) {
            throw new IllegalStateException("cannot tell this function's account from " + context.getInvokedFunctionArn());
        }
        return arn[4];
    }

    /** The page-only decision for an event from another account than the function's, under its own audit id. */
    static Assessment.Decided foreignAccount(CloudTrailEvent event, String functionAccount) {
        String title = "event for account " + event.account() + " delivered to Snapback in account " + functionAccount
                + "; nothing changed";
        Finding finding = new Finding(FOREIGN_ACCOUNT, Severity.HIGH, title, new ResourceRef("AWS::::Account", event.account()),
                new PageOnly(title), Map.of("eventAccount", event.account(), "snapbackAccount", functionAccount), event);
        return new Assessment.Decided(FOREIGN_ACCOUNT, event, List.of(new Decision(finding, Mode.PAGE, Decision.Action.PAGE,
                "Snapback acts only in its own account " + functionAccount)));
    }
}
