package io.wildcloud.ws.push.callback;

import java.util.Locale;

/**
 * Why a callback address is not allowed: the ranges a callback must not reach from inside the
 * node's network (the node itself, its neighbours, cloud metadata at 169.254.169.254). Each is
 * one {@code reason} tag of {@code ws.callback.refused}.
 */
public enum CallbackRefusal {
    LOOPBACK("a loopback address"),
    LINK_LOCAL("a link-local address (cloud metadata services live there)"),
    PRIVATE("a private-network address"),
    UNIQUE_LOCAL("a unique-local IPv6 address"),
    UNSPECIFIED("the unspecified address"),
    MULTICAST("a multicast address"),
    RESERVED("a reserved or broadcast address"),
    OWN_PORT("this node's own port");

    private final String description;

    CallbackRefusal(String description) {
        this.description = description;
    }

    /** The metrics tag, e.g. {@code link_local}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the API answers at authorize, naming the address and the setting that allows it. */
    public String message(String address) {
        if (this == OWN_PORT) {
            return "The callback " + address + " is " + description + " on this machine; a callback may never"
                    + " call the push service itself. Use your application's own URL.";
        }
        return "The callback's address " + address + " is " + description + ": callbacks may not reach loopback,"
                + " link-local, private, unique-local, unspecified, multicast or reserved addresses. For local"
                + " trials and tests, the node's setting callback-allow-networks (a CIDR list, e.g. 127.0.0.0/8)"
                + " allows a network.";
    }
}
