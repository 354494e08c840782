package io.wildcloud.ws.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.common.client.PushClient;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's room broadcast on a real node and Redis, when the node answers a batch 200 with some
 * targets failed. A batch runs as one script run per 1 MiB of messages: with Redis's
 * {@code maxmemory} just above what it holds, the first run (17 visitors' sockets of
 * {@value #SESSIONS} sessions each taking a 59 KB line) queues 8 MB and the second is refused,
 * {@code store_full} for the last visitor. The room sends the line again, with the same request id,
 * to that visitor alone (Redis has room again by then): every visitor gets it exactly once. Before,
 * the room ignored every per-target error but {@code socket_not_found}: the last visitor never got
 * the line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatRoomResendTest {

    private static final String SECRET = "room-resend-secret-0123456789";
    private static final int VISITORS = 18;
    private static final int SESSIONS = 8;

    private final Http http = new Http(Duration.ofSeconds(30));

    @Test
    void targetsTheStoreFailedOnAreSentAgainAndEveryVisitorGetsTheLineOnce() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                WsNode node = WsNode.start(NodeConfig.builder()
                        .bindHost("127.0.0.1").publicPort(0).apiPort(0)
                        .set("applications", "demo:" + SECRET)
                        .set("redis-url", redis.url())
                        .set("redis-key-prefix", RedisTestServer.newKeyPrefix("room"))
                        .set("sessions-per-socket", String.valueOf(SESSIONS))
                        .set("warmup-connects", "0")
                        .build())) {
            PushClient api = PushClient.builder(URI.create("http://127.0.0.1:" + node.apiPort()), SECRET).build();
            List<Integer> resends = new CopyOnWriteArrayList<>();
            // Redis has room again once the room resends: what a store_full that passes looks like.
            ChatRoom room = new ChatRoom(api, resend -> {
                resends.add(resend);
                redis.command("CONFIG", "SET", "maxmemory", "0");
            });
            List<String> visitors = new ArrayList<>();
            for (int i = 0; i < VISITORS; i++) {
                String socket = api.authorize("visitor-" + i, URI.create("https://app.example/demo/callback"));
                room.joined("visitor-" + i, "V" + i, socket);
                visitors.add(socket);
                for (int s = 0; s < SESSIONS; s++) {
                    assertEquals("o\n", poll(node, socket, "s" + s));
                }
            }
            String text = "line-7 " + "x".repeat(59_000);
            redis.command("CONFIG", "SET", "maxmemory", String.valueOf(redis.usedMemory() + (4L << 20)));
            try {
                room.said("visitor-0", "s0", text);
                room.close(); // waits for the broadcast, resends included
            } finally {
                redis.command("CONFIG", "SET", "maxmemory", "0");
            }

            assertEquals(List.of(1), resends, "one resend, of the target the store refused");
            assertEquals(0, room.undelivered(), "nothing reported undelivered");
            for (int i = 0; i < VISITORS; i++) {
                api.publish(visitors.get(i), "end-of-test");
                StringBuilder received = new StringBuilder();
                while (!received.toString().contains("end-of-test")) {
                    received.append(poll(node, visitors.get(i), "s0"));
                }
                assertEquals(1, received.toString().split("line-7 ", -1).length - 1,
                        "visitor " + i + " got the line once: " + received.substring(0, Math.min(200, received.length())));
            }
        }
    }

    private String poll(WsNode node, String socket, String session) {
        return http.post("http://127.0.0.1:" + node.publicPort() + "/" + socket + "/000/" + session + "/xhr").bodyText();
    }
}
