package io.wildcloud.ws.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Reserves the bytes of a websocket's message in progress from the port's {@link RequestMemory},
 * as {@link RequestBody} does a request body's: an unfinished message sits in Netty's frame decoder
 * (a frame not all sent) or its aggregator (fragments) until its last byte comes, and 2,400 of
 * them took the node's direct memory to its cap. It goes right before the frame decoder, in the
 * byte watcher's place, from the 101 on ({@link RequestGuard}), and follows the frame headers in
 * the bytes it passes (no copy, no allocation): the bytes of the data frames of the message not
 * yet complete are reserved before the decoder takes them, and given back once the read that
 * completes the message has handed it on, or when the connection ends. Control frames (at most
 * 131 bytes, which the decoder holds only until they are whole) are not counted.
 *
 * <p>A read that finds the budget spent closes the websocket with 1013 (try again later) and reads
 * nothing more: holding the read instead would keep the bytes already held, with no bound in time
 * but a timer. A frame the decoder refuses (bad header, over the limit) closes the connection
 * there, and what was reserved is given back at the close. Event loop only.
 */
final class WebSocketMessageMemory extends ChannelDuplexHandler {

    private final ConnectionGuards port;
    private long reserved;
    private boolean refused;
    /** Where the bytes seen so far stand in the frame being read. */
    private int headerRead;
    private int headerLength = 2;
    private int extendedLengthBytes;
    private long payloadLeft;
    private boolean inPayload;
    private boolean finalFrame;
    private boolean controlFrame;
    /** Bytes (headers included) of the data frames of the message not yet complete. */
    private long messageBytes;

    WebSocketMessageMemory(ConnectionGuards port) {
        this.port = port;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        follow(bytes);
        long held = messageBytes;
        if (held > reserved) {
            if (!port.memory().tryReserve(held - reserved)) {
                ReferenceCountUtil.release(msg);
                refuse(ctx);
                return;
            }
            reserved = held;
        }
        ctx.fireChannelRead(msg);
        if (held < reserved) {
            // A message completed in this read and has been handed on: its bytes are no longer held.
            port.memory().release(reserved - held);
            reserved = held;
        }
    }

    /** Follows the frame headers through {@code bytes} (not read: the decoder reads them), counting the message's bytes. */
    private void follow(ByteBuf bytes) {
        int at = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (at < end) {
            if (inPayload) {
                int count = (int) Math.min(payloadLeft, end - at);
                at += count;
                payloadLeft -= count;
                if (!controlFrame) {
                    messageBytes += count;
                }
                if (payloadLeft == 0) {
                    frameEnded();
                }
                continue;
            }
            int b = bytes.getUnsignedByte(at++);
            int position = headerRead++;
            if (position == 0) {
                finalFrame = (b & 0x80) != 0;
                controlFrame = (b & 0x08) != 0;
            } else if (position == 1) {
                int length = b & 0x7F;
                extendedLengthBytes = length == 126 ? 2 : length == 127 ? 8 : 0;
                payloadLeft = extendedLengthBytes == 0 ? length : 0;
                headerLength = 2 + extendedLengthBytes + ((b & 0x80) != 0 ? 4 : 0);
            } else if (position < 2 + extendedLengthBytes) {
                payloadLeft = (payloadLeft << 8) | b;
            }
            if (!controlFrame) {
                messageBytes++;
            }
            if (headerRead == headerLength) {
                headerRead = 0;
                headerLength = 2;
                if (payloadLeft < 0) {
                    payloadLeft = Long.MAX_VALUE; // over 2^63: the decoder refuses it, this only must not loop
                }
                if (payloadLeft > 0) {
                    inPayload = true;
                } else {
                    frameEnded();
                }
            }
        }
    }

    private void frameEnded() {
        inPayload = false;
        if (finalFrame && !controlFrame) {
            messageBytes = 0;
        }
    }

    private void refuse(ChannelHandlerContext ctx) {
        refused = true;
        port.refusals().count(Refusal.WEBSOCKET_BUSY);
        port.errors().log(ctx.channel(), "1013 websocket message refused: the port's share of max-request-memory ("
                + port.memory().limit() + " bytes) is spent");
        ctx.channel().config().setAutoRead(false);
        // The websocket's handlers count the close by its code (ws.websocket.closed).
        ctx.fireUserEventTriggered(WebSocketCloseStatus.TRY_AGAIN_LATER);
        // Closed once the close frame is out, without the close grace: the bytes it holds are what is short.
        ctx.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.TRY_AGAIN_LATER,
                "Server busy, try again later")).addListener(ChannelFutureListener.CLOSE);
    }

    /** Once refused, asks for no more reads: the decoders after this handler would ask for one of their own. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!refused) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        port.memory().release(reserved);
        reserved = 0;
    }

    /** Bytes this connection has reserved now. */
    long reserved() {
        return reserved;
    }
}
