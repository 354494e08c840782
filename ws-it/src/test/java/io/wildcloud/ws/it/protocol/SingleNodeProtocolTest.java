package io.wildcloud.ws.it.protocol;

import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The whole SockJS protocol, over real sockets, against one in-process node in protocol-test mode
 * with the embedded memory engine. Each nested class binds one group of checks to this node;
 * {@link BalancedClusterProtocolTest} binds the same groups to three nodes behind a balancer.
 */
class SingleNodeProtocolTest {

    private static WsNode node;
    private static SockJsTarget target;

    @BeforeAll
    static void startNode() throws InterruptedException {
        node = WsNode.start(NodeConfig.builder()
                .mode(NodeConfig.Mode.PROTOCOL_TEST)
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .redisUrl(null)
                .build());
        target = SockJsTarget.of("http://127.0.0.1:" + node.publicPort());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
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
