package dev.snapback.snapstart;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart hooks for one function. Before the snapshot: run the function's whole path a number of times on clients
 * built over {@link CannedAwsHttpClient} with placeholder credentials, so parsing, detection, the SDK's marshalling,
 * signing, HTTP stack and unmarshalling are loaded, initialised and compiled in the snapshot, and nothing leaves the
 * process.
 * After restore: rebuild the real clients, so credentials come from what the restored environment offers (Lambda
 * gives SnapStart functions container credentials, not the environment variables of the snapshot) and no
 * connection or cached identity from before the snapshot is reused.
 *
 * <p>CRaC keeps registered resources weakly: the owner must hold on to this object.
 */
public final class SnapStartPriming implements Resource {

    /** Passes before the snapshot: enough for the JIT, which SnapStart functions run with full tiered compilation. */
    public static final int PASSES = 50;

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    private final Runnable primeOnce;
    private final Runnable rewire;
    private int primedPasses;

    /**
     * @param primeOnce one pass through the function on canned clients; must not reach the network or any state
     * @param rewire    rebuilds the function's real AWS clients from the restored environment
     */
    public SnapStartPriming(Runnable primeOnce, Runnable rewire) {
        this.primeOnce = primeOnce;
        this.rewire = rewire;
    }

    /** Registers with the global CRaC context; outside SnapStart (or another CRaC runtime) the hooks never run. */
    public SnapStartPriming register() {
        Core.getGlobalContext().register(this);
        return this;
    }

    /** Passes that completed before the last checkpoint. */
    public int primedPasses() {
        return primedPasses;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        primedPasses = 0;
        // The passes log like real events; say so, so that nobody reads them as remediations.
        LOG.info("SnapStart priming: {} passes of a sample finding on canned AWS responses; nothing is sent or changed", PASSES);
        for (int pass = 0; pass < PASSES; pass++) {
            try {
                primeOnce.run();
            } catch (RuntimeException e) {
                // Priming only warms the snapshot: a failed pass must not fail the deployment.
                LOG.warn("SnapStart priming stopped after {} passes; the snapshot is less warm: {}", primedPasses, e.toString());
                return;
            }
            primedPasses++;
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        rewire.run();
    }
}
