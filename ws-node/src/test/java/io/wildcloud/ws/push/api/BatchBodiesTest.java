package io.wildcloud.ws.push.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.push.SocketIds;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batch body as the streaming reader reads it: the answers a tree read gave, in the cases a
 * streaming read could get differently (repeated keys, values it skips, entries past the bound).
 */
class BatchBodiesTest {

    private static final String ID = SocketIds.next();
    private final BatchBodies bodies = new BatchBodies(64, 3);

    @Test
    void aRepeatedKeysLastValueWinsAsInATree() {
        assertEquals(List.of(BatchTarget.valid(ID, null, "second")), bodies.read("{\"messages\":[{\"socket_id\":5,"
                + "\"socket_id\":\"" + ID + "\",\"session_id\":\"s1\",\"session_id\":null,\"message\":\"first\","
                + "\"message\":\"second\"}]}"));
        assertEquals(List.of(BatchTarget.valid(ID, "s1", "m")), bodies.read("{\"targets\":5,\"message\":null,"
                + "\"targets\":[{\"socket_id\":\"" + ID + "\",\"session_id\":\"s1\"}],\"message\":\"m\"}"));
    }

    /** With one message for all, a target named again is refused as a duplicate, not published twice. */
    @Test
    void aTargetNamedAgainIsRefusedAsADuplicate() {
        String other = SocketIds.next();
        BatchBodies roomy = new BatchBodies(64, 8);
        List<BatchTarget> read = roomy.read("{\"targets\":["
                + "{\"socket_id\":\"" + ID + "\",\"session_id\":\"a\"},"   // 0
                + "{\"socket_id\":\"" + ID + "\",\"session_id\":\"b\"},"   // 1: another session
                + "{\"socket_id\":\"" + ID + "\",\"session_id\":\"a\"},"   // 2: as 0
                + "{\"socket_id\":\"" + ID + "\"},"                           // 3: the whole socket of 0
                + "{\"socket_id\":\"" + other + "\"},"                        // 4
                + "{\"socket_id\":\"" + other + "\"}"                         // 5: as 4
                + "],\"message\":\"m\"}");
        assertEquals(List.of(true, true, false, true, true, false),
                read.stream().map(BatchTarget::publishable).toList());
        assertEquals(ErrorCodes.DUPLICATE_TARGET, read.get(2).error());
        assertTrue(read.get(2).errorMessage().startsWith("targets[0] names this target already"),
                read.get(2).errorMessage());
        assertTrue(read.get(5).errorMessage().startsWith("targets[4] "), read.get(5).errorMessage());
        // A message each: naming one target twice is two messages, both published.
        assertEquals(2, roomy.read("{\"messages\":[{\"socket_id\":\"" + ID + "\",\"message\":1},"
                + "{\"socket_id\":\"" + ID + "\",\"message\":2}]}").stream().filter(BatchTarget::publishable).count());
    }

    @Test
    void numbersADoubleHoldsPassAndOnlyThose() {
        BatchBodies roomy = new BatchBodies(1024, 3);
        String target = "{\"socket_id\":\"" + ID + "\"}";
        for (String number : List.of("9".repeat(308), "-" + "9".repeat(308), "1.7976931348623157e308", "1e-400",
                "0." + "0".repeat(400) + "1")) {
            String body = "{\"message\":[" + number + "]}";
            assertEquals("[" + number + "]", roomy.single(body), number);
            assertEquals(List.of(BatchTarget.valid(ID, null, "[" + number + "]")),
                    roomy.read("{\"targets\":[" + target + "],\"message\":[" + number + "]}"), number);
        }
        for (String number : List.of("9".repeat(309), "1.8e308", "1e400", "-1E+400")) {
            ApiException single = assertThrows(ApiException.class,
                    () -> roomy.single("{\"message\":{\"n\":" + number + "}}"), number);
            assertEquals(ErrorCodes.INVALID_FIELD, single.body().error(), number);
            ApiException batch = assertThrows(ApiException.class,
                    () -> roomy.read("{\"targets\":[" + target + "],\"message\":{\"n\":" + number + "}}"), number);
            assertEquals(single.body(), batch.body(), number);
        }
        assertTrue(assertThrows(ApiException.class, () -> roomy.single("{\"message\":"
                + "1" + "0".repeat(400) + "}")).body().message().contains(" 1" + "0".repeat(39) + "...,"));
    }

    @Test
    void nestingIsAllowedTo255LevelsCountingTheBody() {
        String deepest = "[".repeat(254) + "]".repeat(254);
        assertEquals(deepest, new BatchBodies(1024, 3).single("{\"message\":" + deepest + "}"));
        ApiException tooDeep = assertThrows(ApiException.class,
                () -> new BatchBodies(1024, 3).single("{\"message\":[" + deepest + "]}"));
        assertEquals(ErrorCodes.MALFORMED_JSON, tooDeep.body().error());
        assertTrue(tooDeep.body().message().contains("deeper than 255 levels"), tooDeep.body().message());
    }

    @Test
    void whatTheReaderDropsMustBeStrictJsonToo() {
        String target = "{\"socket_id\":\"" + ID + "\"}";
        for (String body : List.of(
                "{\"extra\":\"\\x\",\"targets\":[" + target + "],\"message\":\"m\"}",
                "{\"extra\":\"\u0001\",\"targets\":[" + target + "],\"message\":\"m\"}",
                "{\"targets\":[{\"socket_id\":\"" + ID + "\",\"message\":\"\n\"}],\"message\":\"m\"}",
                "{\"targets\":[{\"socket_id\":\"" + ID + "\",\"message\":\"\\x\"}],\"message\":\"m\"}",
                "{\"targets\":[[\"\\x\"]],\"message\":\"m\"}",
                "{\"targets\":[" + target + "],\"message\":\"m\",\"extra\":[1,]}",
                "{\"targets\":[" + target + "],\"message\":\"m\"} x",
                "{\"targets\":[" + target + "],\"message\":\"m\"}{}",
                "{\"targets\":[" + target + "],\"message\":'m'}",
                "[" + target + "]", "\"x\"", "", "{")) {
            ApiException error = assertThrows(ApiException.class, () -> bodies.read(body), body);
            assertEquals(ErrorCodes.MALFORMED_JSON, error.body().error(), body);
        }
    }

    @Test
    void entriesPastTheBoundAreCountedButMalformedJsonComesFirst() {
        String target = "{\"socket_id\":\"" + ID + "\"}";
        String four = String.join(",", target, target, target, target);
        ApiException tooMany = assertThrows(ApiException.class,
                () -> bodies.read("{\"targets\":[" + four + "],\"message\":\"m\"}"));
        assertEquals(ErrorCodes.TOO_MANY_TARGETS, tooMany.body().error());
        assertEquals("A batch may name at most 3 targets (the node's max-publish-targets); this one names 4."
                + " Split it.", tooMany.body().message());
        ApiException broken = assertThrows(ApiException.class,
                () -> bodies.read("{\"targets\":[" + four + ",{\"socket_id\":\"\\q\"}],\"message\":\"m\"}"));
        assertEquals(ErrorCodes.MALFORMED_JSON, broken.body().error());
    }

    @Test
    void aMessageOtherThanAStringIsItsCompactJson() {
        assertEquals(List.of(BatchTarget.valid(ID, null, "{\"n\":1.50,\"a\":[true,null,\"<\"]}")),
                bodies.read("{\"messages\":[{\"socket_id\":\"" + ID + "\", \"message\": { \"n\" : 1.50 ,"
                        + " \"a\" : [ true , null , \"<\" ] } }]}"));
        assertEquals(List.of(BatchTarget.valid(ID, null, "-0.0e5")),
                bodies.read("{\"targets\":[{\"socket_id\":\"" + ID + "\"}],\"message\":-0.0e5}"));
    }

    @Test
    void idsThatAreNotStringsAreTheEntrysFault() {
        assertEquals(List.of(
                BatchTarget.refused(null, null, ErrorCodes.INVALID_FIELD, "The target's \"socket_id\" must be a string."),
                BatchTarget.refused(ID, null, ErrorCodes.INVALID_FIELD, "The target's \"session_id\" must be a string."),
                BatchTarget.valid(ID, null, "m")),
                bodies.read("{\"targets\":[{\"socket_id\":null},{\"socket_id\":\"" + ID + "\",\"session_id\":{}},"
                        + "{\"socket_id\":\"" + ID + "\",\"session_id\":null,\"message\":5}],\"message\":\"m\"}"));
    }

    @Test
    void aJsonMessageIsWithinTheBoundUpToItsLastByte() {
        String target = "{\"socket_id\":\"" + ID + "\"}";
        String atTheBound = "[" + "1,".repeat(25) + "{\"abc\":null}]"; // 64 bytes
        String pastIt = "[" + "1,".repeat(25) + "{\"abcd\":null}]";
        assertEquals(List.of(BatchTarget.valid(ID, null, atTheBound)),
                bodies.read("{\"targets\":[" + target + "],\"message\": " + atTheBound.replace(",", " , ") + "}"));
        ApiException tooLarge = assertThrows(ApiException.class,
                () -> bodies.read("{\"targets\":[" + target + "],\"message\":" + pastIt + "}"));
        assertEquals(ErrorCodes.MESSAGE_TOO_LARGE, tooLarge.body().error());
        assertEquals(List.of(BatchTarget.valid(ID, null, atTheBound), BatchTarget.refused(ID, null,
                        ErrorCodes.MESSAGE_TOO_LARGE, "The message is larger than 64 bytes (UTF-8); split it.")),
                bodies.read("{\"messages\":[{\"socket_id\":\"" + ID + "\",\"message\":" + atTheBound + "},"
                        + "{\"socket_id\":\"" + ID + "\",\"message\":" + pastIt + "}]}"));
        ApiException broken = assertThrows(ApiException.class,
                () -> bodies.read("{\"targets\":[" + target + "],\"message\":" + pastIt.replace("]", ",\"\u0001\"]") + "}"));
        assertEquals(ErrorCodes.MALFORMED_JSON, broken.body().error(), "past the bound the rest is still checked");
    }

    @Test
    void aLargeValueIsReadWithoutItsTree() {
        // A body at the API's bound (6 x 64 KiB + 1 KiB) that is mostly one array of zeros.
        BatchBodies node = new BatchBodies(65_536, 1000);
        String zeros = "[" + "0,".repeat(195_000) + "0]";
        String target = "{\"socket_id\":\"" + ID + "\"}";
        String unused = "{\"extra\":" + zeros + ",\"targets\":[" + target + "],\"message\":\"m\"}";
        String message = "{\"targets\":[" + target + "],\"message\":" + zeros + "}";
        node.read(unused); // warm
        long skipping = allocatedBy(() -> node.read(unused));
        assertThrows(ApiException.class, () -> node.read(message));
        long bounded = allocatedBy(() -> assertThrows(ApiException.class, () -> node.read(message)));
        // A tree of its 195,000 zeros took ~40 bytes of heap per byte of body (16 MB); the bound keeps
        // at most a message's worth of it.
        assertTrue(skipping < 1_000_000, "skipped an unused value with " + skipping + " bytes");
        assertTrue(bounded < 5_000_000, "refused a too large message with " + bounded + " bytes");
    }

    private static long allocatedBy(Runnable read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        read.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
