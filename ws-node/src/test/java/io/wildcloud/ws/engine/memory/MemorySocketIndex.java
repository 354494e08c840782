package io.wildcloud.ws.engine.memory;

import java.util.Optional;
import java.util.Set;

/** For tests outside this package: a memory socket store's session index, read without counting as use. */
public final class MemorySocketIndex {

    private MemorySocketIndex() {
    }

    /** The sessions in the socket's index, if the socket lives. */
    public static Optional<Set<String>> of(MemorySocketStore store, String socketId) {
        return store.index(socketId);
    }
}
