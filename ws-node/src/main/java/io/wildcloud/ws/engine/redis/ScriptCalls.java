package io.wildcloud.ws.engine.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits many sessions' work into script calls: one call may only touch keys of one group (the
 * whole node on one Redis; one scope, so one slot, on a Cluster) and carries at most
 * {@link #MAX_SESSIONS} sessions, so that no call holds Redis for long.
 */
final class ScriptCalls {

    /** Most sessions one script call carries. */
    static final int MAX_SESSIONS = 256;

    private ScriptCalls() {
    }

    /** {@code items} in calls: grouped by {@code groupOf}, in order, each call at most {@link #MAX_SESSIONS}. */
    static <T> List<List<T>> split(Collection<T> items, Function<T, String> groupOf) {
        Map<String, List<T>> groups = new LinkedHashMap<>();
        for (T item : items) {
            groups.computeIfAbsent(groupOf.apply(item), name -> new ArrayList<>()).add(item);
        }
        List<List<T>> calls = new ArrayList<>();
        for (List<T> members : groups.values()) {
            for (int from = 0; from < members.size(); from += MAX_SESSIONS) {
                calls.add(members.subList(from, Math.min(members.size(), from + MAX_SESSIONS)));
            }
        }
        return calls;
    }
}
