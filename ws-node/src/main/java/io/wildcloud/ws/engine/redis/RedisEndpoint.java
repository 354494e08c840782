package io.wildcloud.ws.engine.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where Redis is, read from one URL-like string:
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]} (or {@code rediss://} for TLS): one Redis;</li>
 *   <li>{@code redis-sentinel://[user:password@]host:port[,host:port...]/masterName[/db]}: the
 *       master that these Sentinels name ({@code rediss-sentinel://} for TLS); also written
 *       {@code redis-sentinel://masterName@host:port[,host:port...]} (no password then);</li>
 *   <li>{@code redis-cluster://[user:password@]host:port[,host:port...]}: a Redis Cluster, from
 *       any of its nodes ({@code rediss-cluster://} for TLS).</li>
 * </ul>
 * The port defaults to 6379 (26379 for Sentinels).
 *
 * @param addresses Redisson node addresses, {@code redis://host:port} or {@code rediss://host:port}
 * @param masterName the Sentinel master name, or {@code null}
 * @param database the database number (not used by a cluster)
 */
public record RedisEndpoint(Mode mode, List<String> addresses, String masterName, String username, String password,
        int database) {

    /** Which Redis topology. */
    public enum Mode { SINGLE, SENTINEL, CLUSTER }

    public RedisEndpoint {
        Objects.requireNonNull(mode, "mode");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("redis url names no host");
        }
        if (mode == Mode.SENTINEL && (masterName == null || masterName.isEmpty())) {
            throw new IllegalArgumentException(
                    "redis-sentinel url needs the master name: redis-sentinel://host:port/master");
        }
    }

    /**
     * Reads a Redis URL as described above.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code url}
     */
    public static RedisEndpoint parse(String url) {
        Objects.requireNonNull(url, "url");
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("redis url must start with redis://, rediss://, redis-sentinel:// or"
                    + " redis-cluster://: " + redact(url));
        }
        String scheme = url.substring(0, schemeEnd);
        boolean tls = scheme.startsWith("rediss");
        Mode mode = switch (scheme) {
            case "redis", "rediss" -> Mode.SINGLE;
            case "redis-sentinel", "rediss-sentinel" -> Mode.SENTINEL;
            case "redis-cluster", "rediss-cluster" -> Mode.CLUSTER;
            default -> throw new IllegalArgumentException("unknown redis url scheme " + scheme + ": " + redact(url));
        };
        String rest = url.substring(schemeEnd + 3);
        String username = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            username = colon < 0 ? null : decode(userInfo.substring(0, colon));
            password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (username != null && username.isEmpty()) {
                username = null;
            }
        }
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        List<String> path = slash < 0 ? List.of() : List.of(rest.substring(slash + 1).split("/"));
        String masterName = null;
        int database = 0;
        if (mode == Mode.SENTINEL) {
            masterName = path.isEmpty() || path.get(0).isEmpty() ? null : path.get(0);
            if (masterName == null && username == null && password != null) {
                // The masterName@host form: what stands before @ names the master.
                masterName = password;
                password = null;
            }
            database = path.size() > 1 ? parseDatabase(path.get(1), url) : 0;
        } else if (!path.isEmpty() && !path.get(0).isEmpty()) {
            database = parseDatabase(path.get(0), url);
        }
        int defaultPort = mode == Mode.SENTINEL ? 26379 : 6379;
        List<String> addresses = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                continue;
            }
            String hostPort = host.lastIndexOf(':') > host.lastIndexOf(']') ? host : host + ":" + defaultPort;
            addresses.add((tls ? "rediss://" : "redis://") + hostPort);
        }
        return new RedisEndpoint(mode, addresses, masterName, username, password, database);
    }

    private static int parseDatabase(String text, String url) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("redis url database must be a number: " + redact(url), e);
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /**
     * {@code url} with whatever precedes an {@code @} in its authority replaced, for error
     * messages and logs: it may be a password.
     */
    public static String redact(String url) {
        int start = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (start < 0 || at < start) {
            return url;
        }
        return url.substring(0, start + 3) + "<redacted>" + url.substring(at);
    }

    /** The URL without its password, for logs. */
    @Override
    public String toString() {
        return mode + " " + addresses + (masterName == null ? "" : " master " + masterName)
                + (database == 0 ? "" : " db " + database);
    }
}
