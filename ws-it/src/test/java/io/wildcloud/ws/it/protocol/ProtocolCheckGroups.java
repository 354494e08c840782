package io.wildcloud.ws.it.protocol;

import org.junit.jupiter.api.Nested;

/**
 * Every group of protocol checks, bound to the target a subclass gives: one node
 * ({@link SingleNodeProtocolTest}) or three nodes behind a balancer ({@link BalancedClusterProtocolTest}).
 * The subclasses only start and stop what they test; the groups are written once, here.
 */
abstract class ProtocolCheckGroups {

    /** Where the checks send their requests; set up by the subclass before its checks run. */
    protected abstract SockJsTarget target();

    @Nested
    class Greeting extends GreetingChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class Iframe extends IframeChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class Info extends InfoChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class SessionUrls extends SessionUrlChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class Framing extends FramingChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class WebsocketHttpErrors extends WebsocketHttpErrorChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class Websocket extends WebsocketChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class XhrPolling extends XhrPollingChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class XhrStreaming extends XhrStreamingChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class EventSource extends EventSourceChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class HtmlFile extends HtmlFileChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class Jsonp extends JsonpChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class JsessionId extends JsessionIdChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class RawWebsocket extends RawWebsocketChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class JsonEncoding extends JsonEncodingChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class HandlingClose extends HandlingCloseChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }

    @Nested
    class HttpVersions extends HttpVersionChecks {
        @Override
        protected SockJsTarget target() {
            return ProtocolCheckGroups.this.target();
        }
    }
}
