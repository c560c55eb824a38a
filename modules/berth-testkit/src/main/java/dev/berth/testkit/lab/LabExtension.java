package dev.berth.testkit.lab;

import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * The JUnit 5 extension that gives a test class a <b>lab of real nodes</b>: before the class it
 * runs {@code deploy/lab.sh up N} (N from {@link LabNodes}, default {@value LabNodes#DEFAULT_NODES}),
 * tests get the {@link Lab} as a parameter, and after the class the lab is torn down with
 * {@code lab.sh down}, whether the tests passed, failed or the lab did not even come up.
 *
 * <pre>{@code
 * @ExtendWith(LabExtension.class)
 * @LabNodes(3)
 * class FailoverIT {
 *     @Test
 *     void survivesNodeLoss(Lab lab) { lab.kill(lab.node(3)); ... }
 * }
 * }</pre>
 *
 * <p>The lab is machine-wide (fixed names and addresses), so only one test class may use it at a
 * time: run lab tests in one JVM, not in parallel forks. Needs root, {@code dockerd}, the
 * {@code docker} CLI, and a built {@code bin/berth} unless {@code @LabNodes(berth = false)}. With
 * {@code -Dberth.lab.keep=true} the lab is left running after the class, to look at it by hand
 * ({@code deploy/lab.sh status}; {@code deploy/lab.sh down} removes it).
 */
public final class LabExtension implements BeforeAllCallback, ParameterResolver {

    /** The system property that keeps the lab after the test class, for debugging. */
    public static final String KEEP_PROPERTY = "berth.lab.keep";

    private static final Logger LOG = LogManager.getLogger(LabExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(RunningLab.class, RunningLab.class) != null) {
            return; // a nested class: the outer class's lab serves it
        }
        LabNodes shape = context.getRequiredTestClass().getAnnotation(LabNodes.class);
        int count = shape == null ? LabNodes.DEFAULT_NODES : shape.value();
        boolean berth = shape == null || shape.berth();
        LabScript script = LabScript.fromWorkingDirectory();
        // Registered before `up`: JUnit closes it after the class even when `up` fails half-way.
        RunningLab running = new RunningLab(script);
        store.put(RunningLab.class, running);
        LOG.info("starting a lab of {} nodes{} for {} with {}", count, berth ? "" : " (no Berth)",
                context.getRequiredTestClass().getSimpleName(), script.path());
        running.lab = Lab.up(script, count, berth);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        // Stores look up their ancestors: a method's context finds its class's lab.
        return Optional.ofNullable(extensionContext.getStore(NAMESPACE).get(RunningLab.class, RunningLab.class))
                .map(r -> r.lab)
                .orElseThrow(() -> new ParameterResolutionException(
                        "no lab: register LabExtension on the test class (@ExtendWith(LabExtension.class))"));
    }

    /** The lab of one test class; JUnit closes it when the class's context ends. */
    private static final class RunningLab implements ExtensionContext.Store.CloseableResource {
        private final LabScript script;
        private volatile Lab lab;

        RunningLab(LabScript script) {
            this.script = script;
        }

        @Override
        public void close() {
            if (Boolean.getBoolean(KEEP_PROPERTY)) {
                LOG.warn("-D{}=true: the lab keeps running; remove it with {} down", KEEP_PROPERTY, script.path());
                return;
            }
            LOG.info("tearing the lab down");
            Lab.down(script);
        }
    }
}
