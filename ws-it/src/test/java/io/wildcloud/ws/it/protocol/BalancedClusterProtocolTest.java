package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.cluster.InProcessCluster;
import io.wildcloud.ws.node.config.NodeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The whole SockJS protocol through a plain round-robin balancer in front of three in-process
 * nodes in protocol-test mode on one Redis: every request of a session (each poll, each send,
 * each reopened stream) lands on the next node in turn, and the protocol must hold as on one node.
 * The checks are the very ones {@link SingleNodeProtocolTest} runs against a single node.
 */
class BalancedClusterProtocolTest {

    private static final int NODES = 3;
    private static InProcessCluster cluster;
    private static SockJsTarget target;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = InProcessCluster.start(NODES, NodeConfig.Mode.PROTOCOL_TEST, Map.of());
        String url = cluster.balancer().url();
        // Two hops and Redis round trips per request on a shared 2-core machine: allow 2 s per read.
        target = new SockJsTarget() {
            @Override
            public String topUrl() {
                return url;
            }

            @Override
            public Duration readTimeout() {
                return Duration.ofSeconds(2);
            }
        };
    }

    @AfterAll
    static void stopCluster() {
        if (cluster == null) {
            return;
        }
        List<Integer> counts = cluster.balancer().requestCounts();
        cluster.close();
        // The point of this class: the checks really were spread over every node, in turn.
        int least = counts.stream().min(Integer::compare).orElse(0);
        int most = counts.stream().max(Integer::compare).orElse(0);
        assertTrue(counts.size() == NODES && least > 0 && most - least <= 1, "requests per node: " + counts);
    }

    @Nested
    class Greeting extends GreetingChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class Iframe extends IframeChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class Info extends InfoChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class SessionUrls extends SessionUrlChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class Framing extends FramingChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class WebsocketHttpErrors extends WebsocketHttpErrorChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class Websocket extends WebsocketChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class XhrPolling extends XhrPollingChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class XhrStreaming extends XhrStreamingChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class EventSource extends EventSourceChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class HtmlFile extends HtmlFileChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class Jsonp extends JsonpChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class JsessionId extends JsessionIdChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class RawWebsocket extends RawWebsocketChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class JsonEncoding extends JsonEncodingChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class HandlingClose extends HandlingCloseChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }

    @Nested
    class HttpVersions extends HttpVersionChecks {
        @Override
        protected SockJsTarget target() {
            return target;
        }
    }
}
