package io.wildcloud.ws.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One keep-alive HTTP/1.1 connection of the {@link HttpPublisher}, reopened whenever it closes.
 * Requests are written as raw bytes (a header block built once; only the path, the length and the
 * body vary); answers are read by Netty's response decoder, which knows where each one ends. All
 * its state lives on one event loop, whichever channel it currently has.
 */
final class PublishConnection {

    private static final int ANSWER_TIMEOUT_SECONDS = 30;
    private static final byte[] HEADERS_END = ascii("\r\n\r\n");
    private static final byte[] BATCH_REQUEST_LINE = ascii("POST /publish");
    private static final byte[] BATCH_START = ascii("{\"messages\":[");
    private static final byte[] BATCH_SOCKET = ascii("{\"socket_id\":\"");
    private static final byte[] BATCH_MESSAGE = ascii("\",\"message\":\"");
    private static final byte[] BATCH_ENTRY_END = ascii("\"}");
    private static final byte[] BATCH_END = ascii("]}");

    /** Header validation is the server's job, not the meter's: it costs load generator CPU on every answer. */
    private static final HttpDecoderConfig ANSWERS = new HttpDecoderConfig().setValidateHeaders(false);

    private final HttpPublisher publisher;
    private final EventLoop loop;
    private final URI url;
    private final int messageBytes;
    /** {@code POST <path>} up to the socket id or channel; the body around the message. */
    private final byte[] requestLineStart;
    private final byte[] bodyStart;
    private final byte[] bodyEnd;
    /** From the end of the path to the Content-Length value. */
    private final byte[] headerBlock;
    private Channel channel;
    private HttpPublisher.Publish inFlight;
    private int status;
    private boolean keepAlive;
    /** The answer's body so far (a publish's answer is a few bytes: its sessions count). */
    private final StringBuilder body = new StringBuilder();

    PublishConnection(HttpPublisher publisher, EventLoop loop, URI url, int messageBytes, Target target) {
        this.publisher = publisher;
        this.loop = loop;
        this.url = url;
        this.messageBytes = messageBytes;
        this.requestLineStart = ascii("POST " + target.publishPath());
        this.bodyStart = ascii(target.bodyStart());
        this.bodyEnd = ascii(target.bodyEnd());
        this.headerBlock = ascii(" HTTP/1.1\r\nHost: " + url.getHost() + ":" + port(url)
                + "\r\nContent-Type: " + target.contentType() + "\r\nContent-Length: ");
    }

    ChannelFuture connect(Bootstrap bootstrap) {
        ChannelFuture connecting = bootstrap.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpResponseDecoder(ANSWERS),
                        new IdleStateHandler(ANSWER_TIMEOUT_SECONDS, 0, 0, TimeUnit.SECONDS),
                        new AnswerHandler());
            }
        }).connect(url.getHost(), port(url));
        connecting.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                channel = done.channel();
                publisher.opened();
                publisher.ready(this);
            } else {
                publisher.connectFailed(this, done.cause());
            }
        });
        return connecting;
    }

    void reconnect(Bootstrap bootstrap, long delayMillis) {
        if (delayMillis == 0) {
            connect(bootstrap);
        } else {
            loop.schedule(() -> connect(bootstrap), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes {@code publish}; the caller took this connection while it had nothing in flight. */
    void send(HttpPublisher.Publish publish) {
        if (loop.inEventLoop()) {
            write(publish);
        } else {
            loop.execute(() -> write(publish));
        }
    }

    private void write(HttpPublisher.Publish publish) {
        if (channel == null || !channel.isActive()) {
            publish.completeExceptionally(new IOException("API connection to " + url + " closed"));
            return;
        }
        inFlight = publish;
        ByteBuf request = publish.batch ? batchRequest(publish) : singleRequest(publish);
        // A failed write closes the channel, and channelInactive fails the publish.
        channel.writeAndFlush(request, channel.voidPromise());
    }

    private ByteBuf singleRequest(HttpPublisher.Publish publish) {
        // Only digits, colons and padding: nothing to escape in the JSON string.
        String message = DeliveryTracker.payload(publish.seqs[0], System.nanoTime(), messageBytes);
        String socketId = publish.socketIds[0];
        int bodyLength = bodyStart.length + message.length() + bodyEnd.length;
        ByteBuf request = channel.alloc().ioBuffer(requestLineStart.length + socketId.length()
                + headerBlock.length + 8 + HEADERS_END.length + bodyLength);
        request.writeBytes(requestLineStart);
        ByteBufUtil.writeAscii(request, socketId);
        request.writeBytes(headerBlock);
        ByteBufUtil.writeAscii(request, Integer.toString(bodyLength));
        request.writeBytes(HEADERS_END);
        request.writeBytes(bodyStart);
        ByteBufUtil.writeAscii(request, message);
        request.writeBytes(bodyEnd);
        return request;
    }

    /** {@code {"messages":[{"socket_id","message"}...]}}, every message stamped with the same write time. */
    private ByteBuf batchRequest(HttpPublisher.Publish publish) {
        long written = System.nanoTime();
        String[] messages = new String[publish.seqs.length];
        int bodyLength = BATCH_START.length + BATCH_END.length + messages.length - 1;
        for (int i = 0; i < messages.length; i++) {
            messages[i] = DeliveryTracker.payload(publish.seqs[i], written, messageBytes);
            bodyLength += BATCH_SOCKET.length + publish.socketIds[i].length() + BATCH_MESSAGE.length
                    + messages[i].length() + BATCH_ENTRY_END.length;
        }
        ByteBuf request = channel.alloc().ioBuffer(BATCH_REQUEST_LINE.length + headerBlock.length + 8
                + HEADERS_END.length + bodyLength);
        request.writeBytes(BATCH_REQUEST_LINE);
        request.writeBytes(headerBlock);
        ByteBufUtil.writeAscii(request, Integer.toString(bodyLength));
        request.writeBytes(HEADERS_END);
        request.writeBytes(BATCH_START);
        for (int i = 0; i < messages.length; i++) {
            if (i > 0) {
                request.writeByte(',');
            }
            request.writeBytes(BATCH_SOCKET);
            ByteBufUtil.writeAscii(request, publish.socketIds[i]);
            request.writeBytes(BATCH_MESSAGE);
            ByteBufUtil.writeAscii(request, messages[i]);
            request.writeBytes(BATCH_ENTRY_END);
        }
        request.writeBytes(BATCH_END);
        return request;
    }

    void close() {
        loop.execute(() -> {
            if (channel != null) {
                channel.close();
            }
        });
    }

    private void fail(Throwable cause) {
        HttpPublisher.Publish publish = inFlight;
        inFlight = null;
        if (publish != null) {
            publish.completeExceptionally(cause);
        }
    }

    /** Reads the answers of one channel; a new one per channel, as handlers are not shared. */
    private final class AnswerHandler extends SimpleChannelInboundHandler<HttpObject> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject answer) {
            if (answer.decoderResult().isFailure()) {
                fail(new IOException("unreadable answer from " + url, answer.decoderResult().cause()));
                ctx.close();
                return;
            }
            if (answer instanceof HttpResponse response) {
                status = response.status().code();
                keepAlive = HttpUtil.isKeepAlive(response);
                body.setLength(0);
            }
            if (answer instanceof HttpContent content && body.length() < MAX_BODY_READ) {
                body.append(content.content().toString(StandardCharsets.US_ASCII));
            }
            if (answer instanceof LastHttpContent) {
                HttpPublisher.Publish publish = inFlight;
                inFlight = null;
                if (publish == null) {
                    ctx.close();
                    return;
                }
                if (!publish.batch && status == 200) {
                    publish.sessions = sessionsOf(body);
                }
                publish.complete(status);
                if (keepAlive) {
                    publisher.ready(PublishConnection.this);
                } else {
                    ctx.close();
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent && inFlight != null) {
                fail(new TimeoutException("no answer from " + url + " within " + ANSWER_TIMEOUT_SECONDS + " s"));
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException("API connection to " + url + " closed before the answer"));
            publisher.disconnected(PublishConnection.this);
        }
    }

    /** Enough of an answer for a publish's {@code {"sessions":N,"queue_full":M}}. */
    private static final int MAX_BODY_READ = 256;
    private static final Pattern SESSIONS = Pattern.compile("\"sessions\"\\s*:\\s*(\\d+)");

    /** The sessions a publish's answer says it queued for, or -1 if it does not say. */
    static int sessionsOf(CharSequence answer) {
        Matcher matcher = SESSIONS.matcher(answer);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
