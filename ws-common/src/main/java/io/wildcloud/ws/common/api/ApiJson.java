package io.wildcloud.ws.common.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

/**
 * The one Gson of the HTTP API and the callbacks: plain, no HTML escaping (so that a message's
 * {@code <} or {@code =} reaches the application as written), no pretty printing, nulls left out.
 */
public final class ApiJson {

    /** Thread-safe and immutable, like every Gson. */
    public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private ApiJson() {
    }

    /**
     * Tenants' JSON (a message, or a body holding one) as written, its {@code null} members kept:
     * {@link #GSON} leaves them out, which would turn {@code {"a":null}} into {@code {}}.
     */
    private static final Gson TREES = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    public static String toJson(Object value) {
        return GSON.toJson(value);
    }

    /** {@code tree} as compact JSON text, with every {@code null} it holds. */
    public static String treeText(JsonElement tree) {
        return TREES.toJson(tree);
    }
}
