package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PublishBudgetTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void publishesInFlightTakeTheBucketIntoDebtAndTheNextIsRefusedUntilItIsRepaid() {
        PublishBudget budget = new PublishBudget(100, 1000);
        long now = System.nanoTime();
        // Neither has settled: the second still finds the bucket out of debt, and takes it in.
        PublishBudget.Reservation first = budget.reserve("a", 800, now);
        PublishBudget.Reservation second = budget.reserve("a", 800, now);
        PublishBudgetExceededException refused = assertThrows(PublishBudgetExceededException.class,
                () -> budget.reserve("a", 1, now));
        // 600 in debt at 100 a second: out of it in just over 6 s.
        assertEquals(Duration.ofNanos(6_010_000_000L), refused.retryAfter());
        budget.reserve("b", 1000, now);

        // Each queued a quarter of its worst case: 1200 come back, and the bucket holds 600.
        first.settle(200);
        second.settle(200);
        budget.reserve("a", 600, now).settle(600);
        assertThrows(PublishBudgetExceededException.class, () -> budget.reserve("a", 1, now));
        budget.reserve("a", 1, now + SECOND / 50).settle(1);
    }

    @Test
    void aBucketRefillsAtTheRateUpToTheBurst() {
        PublishBudget budget = new PublishBudget(100, 1000);
        long now = System.nanoTime();
        budget.reserve("a", 1000, now).settle(1000);
        assertThrows(PublishBudgetExceededException.class, () -> budget.reserve("a", 1, now));
        // A hundredth of a second refills 1 byte: out of debt, whatever the publish.
        budget.reserve("a", 1000, now + SECOND / 100).settle(1);
        // 100 s refill 10,000 bytes, of which the bucket holds 1,000.
        budget.reserve("a", 1000, now + 100 * SECOND).settle(1000);
        assertThrows(PublishBudgetExceededException.class, () -> budget.reserve("a", 1, now + 100 * SECOND));
    }

    @Test
    void anApplicationSteadilyOverItsBudgetIsLoggedOnceNotOncePerDebtRepaid() {
        Logger budgetLog = (Logger) LoggerFactory.getLogger(PublishBudget.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        budgetLog.addAppender(lines);
        try {
            PublishBudget budget = new PublishBudget(1000, 1000);
            long now = System.nanoTime();
            // A flood: every millisecond repays a byte of debt, and one publish of 1 KiB is let through.
            for (int ms = 0; ms < 2000; ms++) {
                long at = now + ms * SECOND / 1000;
                for (int i = 0; i < 5; i++) {
                    try {
                        budget.reserve("flood", 1024, at).settle(1024);
                    } catch (PublishBudgetExceededException refused) {
                        // the flood goes on
                    }
                }
            }
            assertEquals(1, lines.list.size(), lines.list.size() + " log lines");
            // Once the bucket filled again, the next time it is refused is logged again.
            long later = now + 10 * SECOND;
            budget.reserve("flood", 2000, later);
            assertThrows(PublishBudgetExceededException.class, () -> budget.reserve("flood", 1, later));
            assertEquals(2, lines.list.size());
        } finally {
            budgetLog.detachAppender(lines);
        }
    }

    @Test
    void theNodeKeepsAtMostItsBoundOfBuckets() {
        PublishBudget budget = new PublishBudget(1, 10);
        for (int i = 0; i < PublishBudget.MAX_APPLICATIONS + 5_000; i++) {
            budget.reserve("application-" + i, 5);
        }
        assertTrue(budget.size() <= PublishBudget.MAX_APPLICATIONS, budget.size() + " buckets");
    }
}
