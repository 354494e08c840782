package io.wildcloud.ws.sockjs;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Which client a request comes from, for the budgets kept per client address ({@link UnknownEndpointLimit}). */
@FunctionalInterface
public interface ClientAddresses {

    /** The TCP peer: right for a node no balancer fronts. */
    ClientAddresses PEER = (channel, request) ->
            channel.remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;

    /** The client of {@code request} on {@code channel}; {@code null} when there is no address (an embedded channel). */
    InetAddress of(Channel channel, HttpRequest request);
}
