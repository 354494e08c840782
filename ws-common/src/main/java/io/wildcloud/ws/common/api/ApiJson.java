package io.wildcloud.ws.common.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/**
 * The one Gson of the HTTP API and the callbacks: plain, no HTML escaping (so that a message's
 * {@code <} or {@code =} reaches the application as written), no pretty printing, nulls left out.
 */
public final class ApiJson {

    /** Thread-safe and immutable, like every Gson. */
    public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private ApiJson() {
    }

    public static String toJson(Object value) {
        return GSON.toJson(value);
    }
}
