package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import org.junit.jupiter.api.Test;

/** The fragment bound of {@link ControlFrameBudget} for a port whose max-message-bytes is raised. */
class ControlFrameBudgetTest {

    private int passed;

    @Test
    void aRaisedMessageBoundAllowsProportionallyMoreFragments() {
        int maxMessageBytes = 1 << 20; // an operator's 1 MiB: 16 bytes a fragment is 65,536 fragments
        assertEquals(4096, ControlFrameBudget.maxFragments(65_536), "the default keeps the floor");
        int bound = 65_536;
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameBudget(50, maxMessageBytes, SockJsMetrics.NONE),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        passed++;
                        ReferenceCountUtil.release(msg);
                    }
                });
        ch.writeInbound(new TextWebSocketFrame(false, 0, "x"));
        for (int i = 2; i < bound; i++) {
            ch.writeInbound(new ContinuationWebSocketFrame(false, 0, "x"));
            if (i == 2000) {
                ch.writeInbound(new PingWebSocketFrame()); // a control frame between fragments counts as none
            }
        }
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, "x"));
        assertNull(ch.readOutbound(), "a 1 MiB port's message in " + bound + " fragments passes");
        assertEquals(bound + 1, passed);
        ch.writeInbound(new TextWebSocketFrame(false, 0, "x")); // the count starts again with a message
        for (int i = 2; i <= bound; i++) {
            ch.writeInbound(new ContinuationWebSocketFrame(false, 0, "x"));
        }
        assertNull(ch.readOutbound(), "the next message has its own " + bound);
        ch.writeInbound(new ContinuationWebSocketFrame(false, 0, "x"));
        Object close = ch.readOutbound();
        assertTrue(close instanceof CloseWebSocketFrame c && c.statusCode() == 1008, String.valueOf(close));
        ReferenceCountUtil.release(close);
        assertFalse(ch.config().isAutoRead());
        ch.finishAndReleaseAll();
        assertEquals(bound, ControlFrameBudget.maxFragments(maxMessageBytes));
    }
}
