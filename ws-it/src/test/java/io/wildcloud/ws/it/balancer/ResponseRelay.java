package io.wildcloud.ws.it.balancer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The backend side of one relayed request. Copies the response bytes to the client exactly as they
 * arrive, and reads just enough of them to know where the response ends: the head, then the body
 * by Content-Length, by chunks, or until the backend closes. A 101 answer turns the connection into
 * a raw pipe.
 *
 * <p>Relaying bytes instead of decoded HTTP objects is the point: a decoder would split or merge
 * chunks as TCP delivers them, and a SockJS client sees one frame per chunk.
 */
final class ResponseRelay extends ChannelInboundHandlerAdapter {

    static final String ENCODER = "request-encoder";
    private static final int MAX_HEAD = 64 * 1024;

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, TRAILER, UNTIL_CLOSE, RAW, DONE }

    private final FrontendHandler frontend;
    private final boolean headRequest;
    private final StringBuilder line = new StringBuilder();
    private ByteBuf head = Unpooled.EMPTY_BUFFER;
    private State state = State.HEAD;
    private long remaining;
    private boolean requestKeepAlive;
    private boolean responseKeepAlive;

    ResponseRelay(FrontendHandler frontend, boolean headRequest) {
        this.frontend = frontend;
        this.headRequest = headRequest;
    }

    void expectKeepAlive(boolean keepAlive) {
        this.requestKeepAlive = keepAlive;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            while (in.isReadable() && state != State.DONE) {
                int start = in.readerIndex();
                if (state == State.HEAD) {
                    readHead(ctx, in);
                    continue;
                }
                consumeBody(in);
                frontend.relay(in.retainedSlice(start, in.readerIndex() - start));
            }
            frontend.flush();
            if (state == State.DONE) {
                frontend.responseComplete(requestKeepAlive && responseKeepAlive);
            }
        } finally {
            in.release();
        }
    }

    /** Gathers the head until its blank line, relays it, and decides how the body is framed. */
    private void readHead(ChannelHandlerContext ctx, ByteBuf in) {
        int before = head.readableBytes();
        ByteBuf joined = Unpooled.wrappedBuffer(head, in.retainedSlice());
        int end = ByteBufUtil.indexOf(Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), joined);
        if (end < 0) {
            if (joined.readableBytes() > MAX_HEAD) {
                joined.release();
                throw new IllegalStateException("response head larger than " + MAX_HEAD + " bytes");
            }
            head = joined;
            in.skipBytes(in.readableBytes());
            return;
        }
        int headLength = end + 4;
        String text = joined.toString(0, headLength, StandardCharsets.ISO_8859_1);
        frontend.relay(joined.retainedSlice(0, headLength));
        joined.release();
        head = Unpooled.EMPTY_BUFFER;
        in.skipBytes(headLength - before);
        startBody(ctx, text);
    }

    private void startBody(ChannelHandlerContext ctx, String headText) {
        String[] lines = headText.split("\r\n");
        String statusLine = lines[0];
        int status = Integer.parseInt(statusLine.substring(9, 12));
        boolean http10 = statusLine.startsWith("HTTP/1.0");
        String connection = "";
        String transferEncoding = "";
        long contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "connection" -> connection = value;
                case "transfer-encoding" -> transferEncoding = value;
                case "content-length" -> contentLength = Long.parseLong(value);
                default -> { }
            }
        }
        responseKeepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
        if (status == 101) {
            state = State.RAW;
            ctx.pipeline().remove(ENCODER);
            frontend.switchToRawPipe();
        } else if (status / 100 == 1) {
            state = State.HEAD; // an interim answer; the real head follows
        } else if (headRequest || status == 204 || status == 304) {
            state = State.DONE;
        } else if (transferEncoding.contains("chunked")) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? State.DONE : State.FIXED;
        } else {
            state = State.UNTIL_CLOSE;
            responseKeepAlive = false;
        }
    }

    /** Advances the reader index over the body bytes that belong to this response. */
    private void consumeBody(ByteBuf in) {
        switch (state) {
            case FIXED, CHUNK_DATA -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                in.skipBytes(n);
                remaining -= n;
                if (remaining == 0) {
                    state = state == State.FIXED ? State.DONE : State.CHUNK_SIZE;
                }
            }
            case CHUNK_SIZE, TRAILER -> {
                while (in.isReadable()) {
                    char c = (char) in.readByte();
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    String text = line.toString().trim();
                    line.setLength(0);
                    if (state == State.TRAILER) {
                        if (text.isEmpty()) {
                            state = State.DONE;
                        }
                        return;
                    }
                    int semicolon = text.indexOf(';');
                    long size = Long.parseLong(semicolon < 0 ? text : text.substring(0, semicolon), 16);
                    // A data chunk is followed by CRLF, relayed with it.
                    remaining = size + 2;
                    state = size == 0 ? State.TRAILER : State.CHUNK_DATA;
                    return;
                }
            }
            case UNTIL_CLOSE, RAW -> in.skipBytes(in.readableBytes());
            default -> throw new IllegalStateException("no body expected in state " + state);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        head.release();
        head = Unpooled.EMPTY_BUFFER;
        if (state != State.DONE && frontend.isCurrent(ctx.channel())) {
            // Until-close bodies and upgraded pipes end here normally; anything else lost its backend.
            frontend.backendLost();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
