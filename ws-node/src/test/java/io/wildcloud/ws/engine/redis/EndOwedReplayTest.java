package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * end.lua's answers to a copy of a run that already ran, on a real Redis: a node whose end went
 * unanswered sends the run again until an answer comes, and the copy answers from the run's reply
 * key. If meanwhile a takeover judged the node dead (cut off from Redis, not dead) and told the
 * application of the end through its "end owed" mark, the copy must not say "was open" again: the
 * node would tell the application a second time.
 */
class EndOwedReplayTest {

    private static final SessionKey KEY = new SessionKey("presence", "ws1");
    private static final String TTL_MS = "60000";

    @AutoClose
    private final RedisServerProcess redis = RedisServerProcess.start();
    private final RedisKeys keys = new RedisKeys("t:owed:");
    private final LuaScripts scripts = new LuaScripts();

    @Test
    void aCopyAnsweredAfterATakeoverToldOfTheEndSaysItWasNotOpen() throws Exception {
        openSession();
        assertEquals(List.of("1"), end(), "the first run ends the open session");
        // A takeover of the node, which it judged dead while the answer was lost: the mark is used.
        assertEquals(List.of("-6"), eval(scripts.expire.text(), List.of(keys.session(KEY), keys.queue(KEY),
                keys.endOwed(KEY)), List.of("", "0", "0")), "the taker tells the application");
        assertEquals(List.of("0"), end(), "the node's copy, answered after the taker told");
    }

    @Test
    void aCopyAnsweredWhileTheMarkIsLeftStillSaysItWasOpen() throws Exception {
        openSession();
        assertEquals(List.of("1"), end());
        assertEquals(List.of("1"), end(), "the answer to the first run was lost; no one told of the end yet");
    }

    private void openSession() throws Exception {
        assertEquals("1", redis.command("HSET", keys.session(KEY), "st", "o"));
    }

    /** One send of the same end.lua run (the same reply key) for {@link #KEY}. */
    private List<String> end() throws Exception {
        List<Object> socket = keys.socketKeys(KEY.scope());
        return eval(scripts.end.text(), List.of(keys.scopePrefix(KEY.scope()) + "r:run-1", keys.session(KEY),
                keys.queue(KEY), (String) socket.get(0), (String) socket.get(1), keys.endOwed(KEY)),
                List.of(TTL_MS, TTL_MS, KEY.sessionId()));
    }

    private List<String> eval(String script, List<String> keyNames, List<String> args) throws Exception {
        String[] command = new String[3 + keyNames.size() + args.size()];
        command[0] = "EVAL";
        command[1] = script;
        command[2] = String.valueOf(keyNames.size());
        for (int i = 0; i < keyNames.size(); i++) {
            command[3 + i] = keyNames.get(i);
        }
        for (int i = 0; i < args.size(); i++) {
            command[3 + keyNames.size() + i] = args.get(i);
        }
        return RedisProbe.commandList(redis.host(), redis.port(), command);
    }
}
