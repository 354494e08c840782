package io.wildcloud.ws.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a buffer (or any tracked resource) that was
 * garbage collected without being released. Registered for every test through
 * {@code META-INF/services} and {@code junit.jupiter.extensions.autodetection.enabled}.
 *
 * <p>Netty reports a leak only when a tracked object is collected <em>and</em> a later
 * allocation polls the detector's reference queue, so after each test class the extension forces
 * a few GCs and allocations to flush what is pending. Reports land between tests too: a leak is
 * pinned on the test (or class) that runs when it surfaces, and its record says where the
 * buffer was last touched. Tests run with {@code -Dio.netty.leakDetection.level=paranoid}.
 */
public final class LeakCheckExtension implements AfterEachCallback, AfterAllCallback {

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        // Must run before Netty creates its detectors (static fields of the allocators); the
        // extension is loaded by the JUnit engine before any test class touches Netty.
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ReportingFactory());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOnLeaks(context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        flushPendingReports();
        failOnLeaks(context.getDisplayName() + " (found after the class)");
    }

    /** Forces collection and detector polls so that leaks of dead objects get reported now. */
    public static void flushPendingReports() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            System.runFinalization();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // Each tracked allocation polls the reference queue of collected, unreleased objects.
            for (int i = 0; i < 32; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
                pooled.release();
                unpooled.release();
            }
        }
    }

    /** Takes the leak reports gathered so far (for the extension's own test). */
    public static List<String> drainLeaks() {
        List<String> leaks = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            leaks.add(leak);
        }
        return leaks;
    }

    private static void failOnLeaks(String where) {
        List<String> leaks = drainLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) during " + where + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    private static final class ReportingFactory extends ResourceLeakDetectorFactory {
        // Still abstract in Netty 4.2, though deprecated: it must be implemented.
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new ReportingDetector<>(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new ReportingDetector<>(resource, samplingInterval);
        }
    }

    private static final class ReportingDetector<T> extends ResourceLeakDetector<T> {
        ReportingDetector(Class<?> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true; // report even when the error log level is off
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " (no records; run with paranoid leak detection)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
