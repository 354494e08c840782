package io.wildcloud.ws.edge;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Netty's header table with fewer hash buckets: the default table is 16 buckets, an 80-byte array
 * made for every request's headers, every request's (nearly always empty) trailers and every
 * response's headers, three per publish, a tenth of what a publish allocated (JFR). The same
 * validators and value conversion as Netty's default ({@link DefaultHttpHeaders}); only the
 * bucket count differs, and a header lookup in a table of a few entries walks a short chain.
 */
public final class CompactHttpHeaders extends DefaultHttpHeaders {

    /** A request's headers: a handful (host, length, type, authorization, a few more). */
    private static final int REQUEST_BUCKETS = 8;
    /** Trailers, which a request with a length never has. */
    private static final int TRAILER_BUCKETS = 2;
    /** A response's headers: three to five. */
    private static final int RESPONSE_BUCKETS = 4;

    private static final HttpHeadersFactory RESPONSES = factory(DefaultHttpHeadersFactory.headersFactory(),
            RESPONSE_BUCKETS);

    private CompactHttpHeaders(DefaultHttpHeadersFactory validation, int buckets) {
        super(validation.getNameValidator(), validation.getValueValidator(), buckets);
    }

    /** Empty headers for a response, validated as {@code DefaultHttpHeadersFactory.headersFactory()}'s. */
    public static HttpHeaders forResponse() {
        return RESPONSES.newHeaders();
    }

    /** Netty's bound on the requests of a connection decoded and not yet answered. */
    public static final int DEFAULT_MAX_PIPELINED = 128;

    /** The HTTP codec of {@code new HttpServerCodec()} (its limits), its tables compact. */
    public static HttpServerCodec serverCodec() {
        return serverCodec(DEFAULT_MAX_PIPELINED);
    }

    /**
     * As {@link #serverCodec()}, with at most {@code maxPipelined} requests of a connection decoded
     * and not yet answered; one more fails the decoder (the request guard's 400, the connection ends).
     */
    public static HttpServerCodec serverCodec(int maxPipelined) {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(8192)
                .setMaxChunkSize(8192)
                .setHeadersFactory(factory(DefaultHttpHeadersFactory.headersFactory(), REQUEST_BUCKETS))
                .setTrailersFactory(factory(DefaultHttpHeadersFactory.trailersFactory(), TRAILER_BUCKETS)), maxPipelined);
    }

    private static HttpHeadersFactory factory(DefaultHttpHeadersFactory validation, int buckets) {
        return new HttpHeadersFactory() {
            @Override
            public HttpHeaders newHeaders() {
                return new CompactHttpHeaders(validation, buckets);
            }

            @Override
            public HttpHeaders newEmptyHeaders() {
                return new CompactHttpHeaders(validation, buckets);
            }
        };
    }
}
