package dev.snapback.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.snapback.model.Family;
import dev.snapback.snapstart.PrimingContext;
import dev.snapback.snapstart.PrimingCredentials;
import dev.snapback.snapstart.PrimingSample;
import dev.snapback.snapstart.SnapStartPriming;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * What every Snapback handler is: raw EventBridge JSON into its family's {@link Pipeline}, built once per container.
 * With SnapStart, the pipeline is primed before the snapshot on canned AWS responses and wired again after restore
 * (see {@link SnapStartPriming}); without it, the hooks never run and cost nothing.
 */
public abstract class FamilyHandler implements RequestStreamHandler {

    private volatile Pipeline pipeline;
    /** Held here: CRaC keeps registered resources only weakly. */
    final SnapStartPriming priming;

    /** A fixed pipeline and no SnapStart hooks (tests, tools). */
    FamilyHandler(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.priming = null;
    }

    /** The Lambda setup: pipeline, priming pipeline and re-wiring all from the function's environment. */
    FamilyHandler(Family family) {
        this(family, () -> Wiring.fromEnvironment(family), () -> Wiring.forPriming(family, System.getenv()));
    }

    /**
     * @param wiring        builds the live pipeline: now, and again after a SnapStart restore
     * @param primingWiring builds a pipeline whose AWS calls never leave the process; called only before a snapshot
     */
    FamilyHandler(Family family, Supplier<Pipeline> wiring, Supplier<Pipeline> primingWiring) {
        this.pipeline = wiring.get();
        this.priming = new SnapStartPriming(new PrimingPass(family, primingWiring), () -> pipeline = wiring.get()).register();
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        pipeline.handle(input, output, context);
    }

    /**
     * One pass of a sample finding through a priming pipeline, by the entry point an invocation takes (Powertools
     * logging and its correlation id included), then the credentials resolution a restored function starts with;
     * pipeline and sample are made on the first pass, never on a cold start.
     * Going through Powertools' logging spends its cold-start flag, which changes nothing that is logged: Powertools
     * reports {@code cold_start} only when {@code AWS_LAMBDA_INITIALIZATION_TYPE} is {@code on-demand}, and it is
     * {@code snap-start} wherever priming runs.
     */
    private static final class PrimingPass implements Runnable {
        private final Family family;
        private final Supplier<Pipeline> wiring;
        private Pipeline pipeline;
        private PrimingSample sample;
        private Context context;

        PrimingPass(Family family, Supplier<Pipeline> wiring) {
            this.family = family;
            this.wiring = wiring;
        }

        @Override
        public void run() {
            try {
                if (pipeline == null) {
                    pipeline = wiring.get();
                    sample = PrimingSample.of(family);
                    // The sample's own account, so that priming takes the remediation path, not the foreign-account one.
                    context = PrimingContext.of(System.getenv(), sample.account());
                }
                pipeline.handle(new ByteArrayInputStream(sample.event()), OutputStream.nullOutputStream(), context);
                // After restore the live pipeline's first call resolves its credentials from scratch: prime that too.
                PrimingCredentials.primeContainerCredentials(System.getenv());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
