package io.wildcloud.ws.engine.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;

/**
 * One Lua script from {@code src/main/resources/redis}, run by its SHA-1 (EVALSHA). It is loaded
 * into Redis once at start; a Redis that lost it (restarted, failed over, a new cluster node)
 * answers NOSCRIPT, and then the script is loaded there and run again.
 *
 * <p>Every script starts with a shebang (Redis 7): Redis then decides at the start whether it may
 * run when {@code maxmemory} is reached, instead of failing at its first write and leaving the
 * writes before it applied (a release that trimmed the queue and then failed would leave its slot held).
 * {@code #!lua} scripts, which add data (enqueue, publish, authorize, a session joining its
 * socket), are refused whole with OOM; {@code flags=allow-oom} ones, which free memory or must
 * keep sessions going (claim, acknowledge, release, close, expiry, renewals, revoke), run; {@code
 * flags=no-writes} ones only read.
 */
final class LuaScript {

    private final String name;
    private final String text;
    private final String sha;
    private volatile RedisMetrics.CommandMeter meter = RedisMetrics.CommandMeter.NONE;
    private volatile CommandGate gate = new CommandGate(() -> true);

    private LuaScript(String name, String text) {
        this.name = name;
        this.text = text;
        this.sha = sha1(text);
    }

    /** Reads {@code /redis/<name>.lua} from the class path. */
    static LuaScript load(String name) {
        return new LuaScript(name, read(name));
    }

    /**
     * Reads {@code /redis/<name>.lua} with the text of each of {@code libraries} (also in
     * {@code /redis}) before it: routines two scripts share are written once.
     */
    static LuaScript load(String name, String... libraries) {
        String script = read(name);
        // The shebang (flags) must stay the first line of what Redis gets.
        int body = script.startsWith("#!") ? script.indexOf('\n') + 1 : 0;
        StringBuilder text = new StringBuilder(script.substring(0, body));
        for (String library : libraries) {
            text.append(read(library)).append('\n');
        }
        return new LuaScript(name, text.append(script, body, script.length()).toString());
    }

    private static String read(String name) {
        String resource = "/redis/" + name + ".lua";
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    String name() {
        return name;
    }

    String text() {
        return text;
    }

    String sha() {
        return sha;
    }

    /** Where this script's calls are timed and its failures counted. */
    void meter(RedisMetrics.CommandMeter meter) {
        this.meter = meter;
    }

    /** Where this script's calls pass to Redisson (see {@link CommandGate}). */
    void guard(CommandGate gate) {
        this.gate = gate;
    }

    /** Records one call that started at {@code startedNanos} (for calls sent outside {@link #eval}). */
    void record(long startedNanos, boolean failed) {
        meter.record(System.nanoTime() - startedNanos, failed);
    }

    /**
     * Runs the script on the node that owns {@code keys.get(0)}.
     *
     * @param <R> what {@code type} decodes to: {@code Long} for LONG, {@code List<Object>} of
     *     {@code String} and {@code Long} for LIST
     */
    <R> CompletionStage<R> eval(RScriptAsync script, RScript.ReturnType type, List<Object> keys, Object... args) {
        long started = System.nanoTime();
        return this.<R>evalOrReload(script, type, keys, args)
                .whenComplete((answer, error) -> record(started, error != null));
    }

    private <R> CompletionStage<R> evalOrReload(RScriptAsync script, RScript.ReturnType type, List<Object> keys,
            Object... args) {
        String routingKey = (String) keys.get(0);
        CompletionStage<R> first = gate.handOver(
                () -> script.<R>evalShaAsync(routingKey, RScript.Mode.READ_WRITE, sha, type, keys, args));
        return first.exceptionallyCompose(error -> {
            if (!isNoScript(error)) {
                return first;
            }
            return gate.<String>handOver(() -> script.scriptLoadAsync(routingKey, text)).thenCompose(loaded ->
                    gate.<R>handOver(() -> script.evalShaAsync(routingKey, RScript.Mode.READ_WRITE, sha, type, keys, args)));
        });
    }

    static boolean isNoScript(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e.getMessage() != null && e.getMessage().contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static String sha1(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
