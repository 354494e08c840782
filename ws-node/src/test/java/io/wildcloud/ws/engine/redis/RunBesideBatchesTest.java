package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;

/**
 * {@link ScriptPipeline#runBeside} (a hold renewal: one call per socket on a Cluster) sends its
 * calls in batches of at most {@link ScriptPipeline#MAX_BATCH}: Redisson gives a whole batch one
 * command timeout, and one batch of 50,000 calls on a loaded 3-master Cluster failed whole (all of
 * them) after its retries, its wait alone making the store's health report Redis as not answering.
 */
class RunBesideBatchesTest {

    @Test
    void manyCallsGoInBoundedBatchesAndAllAreAnswered() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                    .withKeyPrefix(RedisTestServer.newKeyPrefix("beside"));
            RedissonClient redisson = RedissonClients.create(config, "beside", null);
            try {
                CommandGate gate = new CommandGate(() -> !redisson.isShuttingDown(), new StoreWatch());
                RScriptAsync direct = redisson.getScript(HeapStringCodec.INSTANCE);
                LuaScripts scripts = new LuaScripts();
                scripts.guard(gate); // as RedisRuntime does: a lone call (eval) goes through the gate too
                RedisKeys keys = new RedisKeys(config.keyPrefix());
                ScriptPipeline pipeline = new ScriptPipeline(redisson, direct, scripts, gate, new ReplyKeys(keys, config));
                scripts.loadAll(direct, gate).toCompletableFuture().get(10, TimeUnit.SECONDS);

                int calls = 2 * ScriptPipeline.MAX_BATCH + 1;
                List<List<Object>> callKeys = new ArrayList<>();
                List<Object[]> callArgs = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    SessionKey session = new SessionKey("absent" + i, "tab");
                    callKeys.add(List.of(keys.session(session), keys.queue(session)));
                    callArgs.add(new Object[] {60_000L, "n:" + i});
                }
                long sendsBefore = pipeline.sends();
                List<CompletableFuture<Object>> answers = pipeline.runBeside(scripts.touch, RScript.ReturnType.LIST,
                        callKeys, callArgs);
                for (CompletableFuture<Object> answer : answers) {
                    // touch.lua: -1, no such session.
                    assertEquals(List.of(-1L), answer.get(20, TimeUnit.SECONDS));
                }
                assertEquals(3, pipeline.sends() - sendsBefore,
                        "batches handed to Redisson for " + calls + " calls (at most " + ScriptPipeline.MAX_BATCH + " each)");
            } finally {
                redisson.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }
}
