package io.wildcloud.ws.push.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.sockjs.MessagesRefusedException;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The messages a dispatcher holds for callbacks not yet settled, against a callback that never
 * answers (a listening socket nobody accepts from: the request goes out, no answer comes).
 */
class CallbackBacklogTest {

    /** Room for 3 frames of one empty message each: 3 x (4096 + 64) = 12,480 bytes. */
    private static final long PER_APPLICATION = 12_480;

    private ServerSocket silent;
    private CallbackDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        silent = new ServerSocket();
        silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        dispatcher = new CallbackDispatcher(new CallbackPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofMillis(20), Duration.ofMillis(80), 8, 8)
                .withAddresses(CallbackDispatcherTest.LOOPBACK_ALLOWED)
                .withBacklog(1024 * 1024, PER_APPLICATION), CallbackObserver.NONE, null);
    }

    @AfterEach
    void stop() throws Exception {
        dispatcher.close();
        silent.close();
    }

    private CallbackTarget target(String application) {
        return new CallbackTarget(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook"), application,
                "app-secret-0123456789", "socket-" + application, "client-1");
    }

    /** A frame of session {@code session} of the socket of its own (one user each, within their share). */
    private CompletableFuture<Void> dispatch(String application, int session, List<String> messages) {
        return dispatch(application, "socket-" + application + "-" + session, session, messages);
    }

    private CompletableFuture<Void> dispatch(String application, String socket, int session, List<String> messages) {
        return dispatcher.dispatch(new SessionKey(socket, "s" + session), target(application), messages)
                .toCompletableFuture();
    }

    @Test
    void tinyFramesCountWhatTheirWaitingRequestsHoldAndPastTheBoundAreRefusedWhole() throws Exception {
        for (int session = 0; session < 3; session++) {
            assertFalse(dispatch("hostile", session, List.of("")).isDone(), "frame " + session + " waits");
        }
        CompletableFuture<Void> fourth = dispatch("hostile", 3, List.of(""));
        assertTrue(fourth.isCompletedExceptionally(), "a fourth empty frame was taken: frames cost nothing");
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> fourth.get(1, TimeUnit.SECONDS));
        MessagesRefusedException cause = (MessagesRefusedException) refused.getCause();
        assertEquals("callback_backlog_full", cause.errorCode());
        assertEquals(CloseCodes.SERVICE_UNAVAILABLE, cause.closeCode());
        assertEquals(CloseCodes.CALLBACK_BACKLOG_FULL_REASON, cause.closeReason());
        assertEquals(3, dispatcher.stats().pending(), "the refused frame was not accepted");
        assertEquals(1, dispatcher.stats().backlogRefused());
        assertEquals(3 * (CallbackBacklog.PER_FRAME_BYTES + CallbackBacklog.PER_MESSAGE_BYTES),
                dispatcher.stats().backlogBytes());

        // Another application has its own backlog.
        assertFalse(dispatch("other", 0, List.of("hello")).isDone(), "another application's frame waits");
    }

    @Test
    void aFrameOfManyMessagesCountsEachAndSettledFramesMakeRoomAgain() throws Exception {
        dispatcher.close();
        // Callbacks that fail at once (nothing listens): each message is given up after a short budget.
        int closedPort = silent.getLocalPort();
        silent.close();
        dispatcher = new CallbackDispatcher(new CallbackPolicy(Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofMillis(20), Duration.ofMillis(80), 8, 8)
                .withAddresses(CallbackDispatcherTest.LOOPBACK_ALLOWED)
                .withBacklog(1024 * 1024, PER_APPLICATION), CallbackObserver.NONE, null);
        CallbackTarget gone = new CallbackTarget(URI.create("http://127.0.0.1:" + closedPort + "/hook"), "app",
                "app-secret-0123456789", "socket-app", "client-1");
        // 4096 + 131 x 64 = 12,480: fits exactly; one message more would not.
        List<String> many = Collections.nCopies(131, "");
        dispatcher.dispatch(new SessionKey("socket-app", "a"), gone, many).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(0, dispatcher.stats().backlogBytes(), "settled messages are released");
        List<String> tooMany = Collections.nCopies(132, "");
        assertTrue(dispatcher.dispatch(new SessionKey("socket-app", "b"), gone, tooMany).toCompletableFuture()
                .isCompletedExceptionally());
    }

    @Test
    void oneSocketHoldsAtMostAQuarterOfItsApplicationsBacklogSoTheApplicationsOtherUsersAreServed() throws Exception {
        dispatcher.close();
        long eightFrames = 8 * (CallbackBacklog.PER_FRAME_BYTES + CallbackBacklog.PER_MESSAGE_BYTES);
        dispatcher = new CallbackDispatcher(new CallbackPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofMillis(20), Duration.ofMillis(80), 8, 8)
                .withAddresses(CallbackDispatcherTest.LOOPBACK_ALLOWED)
                .withBacklog(1024 * 1024, eightFrames), CallbackObserver.NONE, null);
        // One user's sessions: two frames (a quarter of eight) wait, the third is refused.
        assertFalse(dispatch("app", "socket-greedy", 0, List.of("")).isDone());
        assertFalse(dispatch("app", "socket-greedy", 1, List.of("")).isDone());
        CompletableFuture<Void> third = dispatch("app", "socket-greedy", 2, List.of(""));
        assertTrue(third.isCompletedExceptionally(), "one socket held more than its share of the application's backlog");
        assertEquals("callback_backlog_full", ((MessagesRefusedException) assertThrows(ExecutionException.class,
                () -> third.get(1, TimeUnit.SECONDS)).getCause()).errorCode());
        // The application's other users still have room.
        for (int user = 0; user < 6; user++) {
            assertFalse(dispatch("app", "socket-user-" + user, 0, List.of("")).isDone(), "user " + user + " refused");
        }
        // A socket holding nothing may always send one frame, even one larger than its share.
        dispatcher.close();
        dispatcher = new CallbackDispatcher(new CallbackPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofMillis(20), Duration.ofMillis(80), 8, 8)
                .withAddresses(CallbackDispatcherTest.LOOPBACK_ALLOWED)
                .withBacklog(1024 * 1024, eightFrames), CallbackObserver.NONE, null);
        assertFalse(dispatch("app", "socket-big", 0, Collections.nCopies(80, "")).isDone(),
                "a first frame above the socket's share was refused");
    }
}
