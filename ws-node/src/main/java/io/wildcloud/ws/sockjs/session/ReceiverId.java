package io.wildcloud.ws.sockjs.session;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names one receiving connection (a held poll, a stream, a websocket) anywhere in the cluster: the
 * node that holds it and a number unique on that node. A store records it as the holder of a
 * session's receiver slot, and asks the node whether it still lives when another connection wants
 * the slot.
 */
public record ReceiverId(String nodeId, long connectionId) {

    /**
     * A process's numbers start at its start time (ms) shifted by this: a node restarted under the
     * same node id never repeats the numbers of the process before it (a million per ms between
     * their starts), so a takeover of the dead process tells its receivers from the new one's. The
     * Redis engine takes that time from Redis's clock, above the dead process's last heartbeat:
     * hosts' clocks may differ by more than a restart takes.
     */
    private static final int START_SHIFT = 20;
    /**
     * The last number this process handed out: per JVM, so that two handlers of one node never
     * hand out the same one; from the host's clock at first (one node alone), raised by a store
     * that tells other nodes which number its process's receivers are above ({@link #numberAbove}).
     */
    private static final AtomicLong LAST_NUMBER = new AtomicLong(firstOfProcessStartedAt(System.currentTimeMillis()));
    /** Numbers below it were not made from a start time: builds that numbered from 1, tests. */
    private static final long FIRST_OF_2020 = firstOfProcessStartedAt(1_577_836_800_000L);

    public ReceiverId {
        Objects.requireNonNull(nodeId, "nodeId");
    }

    /** The form stores write: {@code nodeId:connectionId}. */
    public String encode() {
        return nodeId + ":" + connectionId;
    }

    public static ReceiverId decode(String encoded) {
        int colon = encoded.lastIndexOf(':');
        return new ReceiverId(encoded.substring(0, colon), Long.parseLong(encoded.substring(colon + 1)));
    }

    /** A number no other receiver of this process has had. */
    public static long nextNumber() {
        return LAST_NUMBER.incrementAndGet();
    }

    /** Every number handed out from now on is above {@code first}. */
    public static void numberAbove(long first) {
        LAST_NUMBER.accumulateAndGet(first, Math::max);
    }

    /**
     * Whether {@code connectionId} was numbered from its process's start time, so that it tells
     * whether a process started later made it ({@link #firstOfProcessStartedAt}).
     */
    public static boolean numberedFromStart(long connectionId) {
        return connectionId >= FIRST_OF_2020;
    }

    /** The number before the first of a process started at {@code startMillis}. */
    public static long firstOfProcessStartedAt(long startMillis) {
        return startMillis << START_SHIFT;
    }

    /** When (ms) a process whose receivers are numbered above {@code first} started. */
    public static long startOf(long first) {
        return first >> START_SHIFT;
    }

    /**
     * The first number of any process started after {@code millis}: receivers numbered below it
     * are of processes started by then (or of builds that numbered from 1).
     */
    public static long firstAfter(long millis) {
        return (millis + 1) << START_SHIFT;
    }

    @Override
    public String toString() {
        return encode();
    }
}
