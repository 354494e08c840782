package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What receivers get when a session closes, when a second receiver comes, and after an abort. */
public abstract class HandlingCloseChecks extends ProtocolChecks {

    private static final String ANOTHER_CONNECTION = "c[2010,\"Another connection still open\"]\n";
    private static final Set<String> AFTER_ABORT = Set.of("o\n", "c[1002,\"Connection interrupted\"]\n");

    @Test
    void closedSessionGivesTheCloseFrameToTheNextStreamAndEndsBoth() {
        String session = newSession(target().close());
        try (Http.Stream first = http().open("POST", session + "/xhr_streaming")) {
            assertEquals(XhrStreamingChecks.PRELUDE, first.nextChunk());
            assertEquals("o\n", first.nextChunk());
            assertEquals("c[3000,\"Go away!\"]\n", first.nextChunk());

            try (Http.Stream second = http().open("POST", session + "/xhr_streaming")) {
                assertEquals(XhrStreamingChecks.PRELUDE, second.nextChunk());
                // The closed session unlinked its receiver: the newcomer gets the close frame, not 2010.
                assertEquals("c[3000,\"Go away!\"]\n", second.nextChunk());
                assertEquals("", first.nextChunk());
                assertEquals("", second.nextChunk());
            }
        }
    }

    @Test
    void secondStreamGetsAnotherConnectionStillOpenAndEnds() {
        String session = newSession(target().echo());
        try (Http.Stream first = http().open("POST", session + "/xhr_streaming")) {
            assertEquals(XhrStreamingChecks.PRELUDE, first.nextChunk());
            assertEquals("o\n", first.nextChunk());

            try (Http.Stream second = http().open("POST", session + "/xhr_streaming")) {
                assertEquals(XhrStreamingChecks.PRELUDE, second.nextChunk());
                assertEquals(ANOTHER_CONNECTION, second.nextChunk());
                assertEquals("", second.nextChunk());
            }
        }
    }

    @Test
    void abortedStreamLetsTheNextStreamReopenOrInterrupts() throws InterruptedException {
        String session = newSession(target().echo());
        Http.Stream first = http().open("POST", session + "/xhr_streaming");
        try {
            assertEquals(XhrStreamingChecks.PRELUDE, first.nextChunk());
            assertEquals("o\n", first.nextChunk());

            try (Http.Stream second = http().open("POST", session + "/xhr_streaming")) {
                assertEquals(XhrStreamingChecks.PRELUDE, second.nextChunk());
                assertEquals(ANOTHER_CONNECTION, second.nextChunk());
                assertEquals("", second.nextChunk());
            }
        } finally {
            first.close();
        }

        String frame = untilAbortIsSeen(() -> {
            try (Http.Stream third = http().open("POST", session + "/xhr_streaming")) {
                assertEquals(XhrStreamingChecks.PRELUDE, third.nextChunk());
                return third.nextChunk();
            }
        });
        assertTrue(AFTER_ABORT.contains(frame), () -> "after an abort: '" + frame + "'");
    }

    @Test
    void abortedPollLetsTheNextPollReopenOrInterrupts() throws InterruptedException {
        String session = openXhrSession(target().echo());

        RawHttp held = holdPoll(session);
        try {
            RawResponse second = http().post(session + "/xhr");
            assertEquals(ANOTHER_CONNECTION, second.bodyText());
        } finally {
            held.close();
        }

        String frame = untilAbortIsSeen(() -> http().post(session + "/xhr").bodyText());
        assertTrue(AFTER_ABORT.contains(frame), () -> "after an abort: '" + frame + "'");
    }

    /**
     * The server learns of an abort only when the closed TCP connection reaches it (through a
     * balancer, two hops later), so a request sent right after the abort may still find the old
     * receiver and get 2010, which changes nothing. Asks again, a bounded number of times, until the
     * answer is something else.
     */
    private static String untilAbortIsSeen(Supplier<String> request) throws InterruptedException {
        String frame = request.get();
        for (int attempt = 0; attempt < 40 && frame.equals(ANOTHER_CONNECTION); attempt++) {
            Thread.sleep(50);
            frame = request.get();
        }
        return frame;
    }
}
