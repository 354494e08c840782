package io.wildcloud.ws.testing;

import java.util.ArrayList;

/**
 * What a test started, closed last first when the test ends ({@code @AutoClose} on the field): a
 * server before the Redis it uses, a client before its server.
 */
public final class Closing extends ArrayList<AutoCloseable> implements AutoCloseable {

    @Override
    public void close() throws Exception {
        for (int i = size() - 1; i >= 0; i--) {
            get(i).close();
        }
        clear();
    }
}
