package io.wildcloud.ws.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.loadgen.LostMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lost messages fall in the window of the last fault that began before they were published. */
class LossWindowsTest {

    @Test
    void lossesAreCountedPerFaultWindowWithTimesFromTheFaultsStart() {
        List<FaultRecord> faults = List.of(
                new FaultRecord("node-kill", "node-1", Duration.ofSeconds(10), null, null, Duration.ofSeconds(4)),
                new FaultRecord("redis-stall", "redis", Duration.ofSeconds(30), null, null, Duration.ofSeconds(9)));
        List<LostMessage> lost = List.of(
                new LostMessage(0, "xhr-polling", 1, 2.0, true, null, null),
                new LostMessage(0, "xhr-polling", 5, 31.5, true, null, null),
                new LostMessage(1, "websocket", 7, 33.25, true, null, null),
                new LostMessage(2, "websocket", 8, 30.5, false, null, null));

        assertEquals("""
                before any fault: 1 lost in sessions that stayed open {xhr-polling=1}, published +2.000 s .. +2.000 s from the load's start
                    0 lost in sessions the fault closed
                after redis-stall redis (t=30.0s, lasted 9.0 s): 2 lost in sessions that stayed open {websocket=1, xhr-polling=1}, published +1.500 s .. +3.250 s from the fault's start
                    1 lost in sessions the fault closed {websocket=1}, published +0.500 s .. +0.500 s from the fault's start
                """, LossWindows.summary(lost, faults));
        assertEquals("", LossWindows.summary(List.of(), faults));
    }
}
