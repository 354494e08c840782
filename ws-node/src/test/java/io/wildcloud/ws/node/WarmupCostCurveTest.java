package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up's stop rule: flat once its CPU per session stops falling, batch after batch. */
class WarmupCostCurveTest {

    /** A CPU clock that runs {@code micros} per session of each batch in turn. */
    private static final class BatchClock {
        private final long[] microsPerSession;
        private long nanos;
        private int sessions;

        BatchClock(long... microsPerSession) {
            this.microsPerSession = microsPerSession;
        }

        long read() {
            return nanos;
        }

        /** Runs one session of the current batch. */
        void session() {
            int batch = Math.min(sessions / WarmupCostCurve.BATCH, microsPerSession.length - 1);
            nanos += microsPerSession[batch] * 1_000;
            sessions++;
        }
    }

    /** Runs sessions until the curve says flat or {@code max} sessions; returns how many ran. */
    private static int runUntilFlat(WarmupCostCurve curve, BatchClock clock, int max) {
        for (int i = 1; i <= max; i++) {
            clock.session();
            if (curve.sessionDone()) {
                return i;
            }
        }
        return max;
    }

    @Test
    void flatAfterTwoBatchesInARowThatFallNoMoreThanATenth() {
        // Measured shape (BENCHMARKS.md): steep, then within a few percent of the best.
        BatchClock clock = new BatchClock(15_000, 6_700, 4_200, 4_000, 4_100);
        WarmupCostCurve curve = new WarmupCostCurve(clock::read);
        int ran = runUntilFlat(curve, clock, 10_000);
        assertEquals(5 * WarmupCostCurve.BATCH, ran, "flat after batch 5 (4 and 5 within a tenth of 4,200)");
        assertEquals(List.of(15_000L, 6_700L, 4_200L, 4_000L, 4_100L), curve.microsPerSession());
    }

    @Test
    void aCurveStillFallingRunsOn() {
        long[] falling = new long[20];
        for (int i = 0; i < falling.length; i++) {
            falling[i] = (long) (20_000 * Math.pow(0.85, i));
        }
        BatchClock clock = new BatchClock(falling);
        WarmupCostCurve curve = new WarmupCostCurve(clock::read);
        assertEquals(20 * WarmupCostCurve.BATCH, runUntilFlat(curve, clock, 20 * WarmupCostCurve.BATCH));
        assertFalse(curve.flat());
    }

    @Test
    void oneBatchThatDoesNotFallIsNotEnough() {
        // A C2 wave: one batch dearer, then the fall goes on.
        BatchClock clock = new BatchClock(15_000, 9_000, 9_500, 6_000, 4_000, 2_500, 2_400, 2_450);
        WarmupCostCurve curve = new WarmupCostCurve(clock::read);
        assertEquals(8 * WarmupCostCurve.BATCH, runUntilFlat(curve, clock, 10_000));
    }

    @Test
    void neverFlatBeforeItsMinimumOfBatches() {
        BatchClock clock = new BatchClock(5_000, 5_000, 5_000);
        WarmupCostCurve curve = new WarmupCostCurve(clock::read);
        assertEquals(WarmupCostCurve.MIN_BATCHES * WarmupCostCurve.BATCH, runUntilFlat(curve, clock, 10_000));
    }

    @Test
    void withoutAProcessClockItNeverStops() {
        WarmupCostCurve curve = new WarmupCostCurve(() -> -1);
        for (int i = 0; i < 20 * WarmupCostCurve.BATCH; i++) {
            assertFalse(curve.sessionDone());
        }
        assertTrue(curve.microsPerSession().isEmpty());
    }
}
