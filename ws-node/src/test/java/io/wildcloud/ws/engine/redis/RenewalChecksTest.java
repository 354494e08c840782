package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RenewalChecksTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    /** Slack 1,000 ms: a check skips the next ones for 500 ms. */
    private final RenewalChecks checks = new RenewalChecks(1_000, clock::get);

    @Test
    void aCheckSkipsTheNextOnesForHalfTheSlack() {
        assertTrue(checks.due("s", clock.get()), "never checked");
        checks.checked("s", clock.get());
        assertFalse(checks.due("s", clock.get()));
        advanceMillis(499);
        assertFalse(checks.due("s", clock.get()));
        advanceMillis(1);
        assertTrue(checks.due("s", clock.get()), "half the slack passed");
        assertTrue(checks.due("other", clock.get()), "each socket has its own");
    }

    @Test
    void aSocketFoundMissingIsCheckedAgain() {
        checks.checked("s", clock.get());
        checks.forget("s");
        assertTrue(checks.due("s", clock.get()));
    }

    @Test
    void aFullRecordDropsWhatIsTooOldToSkipAnything() {
        checks.checked("old", clock.get());
        advanceMillis(600);
        for (int i = 1; i < RenewalChecks.MAX_SOCKETS; i++) {
            checks.checked("s" + i, clock.get());
        }
        checks.checked("new", clock.get());
        assertTrue(checks.due("old", clock.get()));
        assertFalse(checks.due("s1", clock.get()), "recent checks stay");
        assertFalse(checks.due("new", clock.get()));
    }

    private void advanceMillis(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
