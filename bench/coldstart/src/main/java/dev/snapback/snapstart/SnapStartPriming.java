package dev.snapback.snapstart;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart hooks for one function. Before the snapshot: run the function's whole path a few times on clients built
 * over {@link CannedAwsHttpClient} with placeholder credentials, so parsing, detection, the SDK's marshalling,
 * signing and unmarshalling are loaded, initialised and compiled in the snapshot, and nothing leaves the process.
 * After restore: rebuild the real clients, so credentials come from what the restored environment offers (Lambda
 * hands SnapStart functions container credentials, not the environment variables of the snapshot) and no connection
 * or cached identity from before the snapshot is reused.
 *
 * <p>CRaC keeps registered resources weakly: the owner must hold on to this object (a field of the handler).
 */
public final class SnapStartPriming implements Resource {

    /** Enough passes for the JIT to compile the hot path: SnapStart functions run with full tiered compilation. */
    static final int PASSES = 50;

    private final Runnable primeOnce;
    private final Runnable rewire;

    /**
     * @param primeOnce one pass through the function on canned clients; must not reach the network or any state
     * @param rewire    rebuilds the function's real AWS clients from the restored environment
     */
    public SnapStartPriming(Runnable primeOnce, Runnable rewire) {
        this.primeOnce = primeOnce;
        this.rewire = rewire;
    }

    /** Registers with the global CRaC context (a no-op outside a CRaC-capable runtime such as SnapStart's). */
    public SnapStartPriming register() {
        Core.getGlobalContext().register(this);
        return this;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        for (int pass = 0; pass < PASSES; pass++) {
            primeOnce.run();
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        rewire.run();
    }
}
