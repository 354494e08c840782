package io.wildcloud.ws.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that the leak check sees a leak, so that its silence elsewhere means something. */
class LeakCheckExtensionTest {

    @Test
    void reportsABufferCollectedWithoutRelease() {
        leakOneBuffer();
        List<String> leaks = List.of();
        for (int attempt = 0; attempt < 20 && leaks.isEmpty(); attempt++) {
            LeakCheckExtension.flushPendingReports();
            leaks = LeakCheckExtension.drainLeaks();
        }
        // Drained here, so the extension itself does not fail this test.
        assertFalse(leaks.isEmpty(), "the leak detector hook reported nothing");
        assertTrue(leaks.get(0).contains("ByteBuf"), leaks.get(0));
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(42);
        // dropped without release()
    }
}
