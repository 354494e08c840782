package io.wildcloud.ws.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The floor benchmark counts what it claims: every frame, on the connection round robin gives it. */
class WriteFloorBenchmarkTest {

    @TempDir
    Path workDir;

    @Test
    void frameIsOneUnmaskedWebSocketTextFrameOfTheSockJsArray() {
        byte[] frame = WriteFloorServer.frame(3);
        byte[] payload = "a[\"xxx\"]".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = new byte[2 + payload.length];
        expected[0] = (byte) 0x81;
        expected[1] = (byte) payload.length;
        System.arraycopy(payload, 0, expected, 2, payload.length);
        assertArrayEquals(expected, frame);
        assertThrows(IllegalArgumentException.class, () -> WriteFloorServer.frame(121));
    }

    @Test
    @Timeout(120)
    void everyConnectionGetsItsRoundRobinShareOfTheBatches() throws Exception {
        // 7 connections and batches of 4: the round robin wraps mid-batch, and 330 slots leave
        // some connections one frame more than others.
        WriteFloorBenchmark.Figures figures = WriteFloorBenchmark.run(Map.of("work-dir", workDir.toString(),
                "sessions", "7", "batch", "4", "window", "3", "warmup", "40", "messages", "1280",
                "frames", "fresh"));
        assertEquals(1280, figures.delivered());
        assertEquals(0, figures.offCount(), "connections off their round-robin count");
        assertTrue(figures.serverCpu() > 0, "the server's CPU is read");
    }

    @Test
    @Timeout(120)
    void severalFramesPerFlushKeepTheCounts() throws Exception {
        WriteFloorBenchmark.Figures figures = WriteFloorBenchmark.run(Map.of("work-dir", workDir.toString(),
                "sessions", "5", "batch", "6", "per-flush", "3", "warmup", "60", "messages", "600"));
        assertEquals(600, figures.delivered());
        assertEquals(0, figures.offCount(), "connections off their round-robin count");
    }
}
