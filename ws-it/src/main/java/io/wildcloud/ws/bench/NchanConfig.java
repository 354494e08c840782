package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.Target;
import java.nio.file.Path;

/**
 * The nginx configuration of an Nchan server the benchmark starts as issue 17's reference: one
 * worker, everything in the work directory (pid, logs, temp files), bound to 127.0.0.1 only, a
 * websocket subscriber endpoint and a publisher endpoint per channel (the paths {@link Target#NCHAN}
 * speaks), {@code /health} for the start-up wait, and optionally Redis as Nchan's store (issue 17's
 * cross-node row: two such servers on one Redis).
 *
 * @param port the loopback port it listens on
 * @param workDir an absolute directory of its own for its pid file, logs and temp files
 * @param redisUrl {@code redis://127.0.0.1:<port>}, or null for Nchan's memory store
 * @param module the Nchan module (Debian's {@code libnginx-mod-nchan} puts it at {@link #DEBIAN_MODULE})
 */
record NchanConfig(int port, Path workDir, String redisUrl, Path module) {

    static final Path DEBIAN_MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

    /** Subscribers per worker and the publisher's connections, with room to spare (issue 17 holds ~1,070). */
    private static final int WORKER_CONNECTIONS = 4096;

    NchanConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Nchan port must be 1-65535, not " + port);
        }
        if (!workDir.isAbsolute()) {
            throw new IllegalArgumentException("Nchan's work directory must be absolute (nginx -p), not " + workDir);
        }
        if (redisUrl != null && !redisUrl.matches("redis://127\\.0\\.0\\.1:\\d{1,5}")) {
            throw new IllegalArgumentException("Nchan's Redis must be redis://127.0.0.1:<port>, not " + redisUrl);
        }
    }

    /** The whole {@code nginx.conf}. */
    String render() {
        String dir = workDir.toString();
        String redis = redisUrl == null ? "" : "    nchan_redis_url \"" + redisUrl + "\";\n    nchan_use_redis on;\n";
        return "load_module " + module + ";\n"
                + "worker_processes 1;\n"
                + "daemon off;\n"
                + "pid " + dir + "/nginx.pid;\n"
                + "error_log " + dir + "/error.log warn;\n"
                + "events { worker_connections " + WORKER_CONNECTIONS + "; }\n"
                + "http {\n"
                + "    access_log off;\n"
                + "    client_body_temp_path " + dir + "/client_body;\n"
                + "    proxy_temp_path " + dir + "/proxy;\n"
                + "    fastcgi_temp_path " + dir + "/fastcgi;\n"
                + "    uwsgi_temp_path " + dir + "/uwsgi;\n"
                + "    scgi_temp_path " + dir + "/scgi;\n"
                + redis
                + "    server {\n"
                + "        listen 127.0.0.1:" + port + ";\n"
                + "        location = /health { return 200 \"ok\\n\"; }\n"
                + "        location ~ ^" + Target.NCHAN_SUBSCRIBE_PATH + "(\\w+)$ { nchan_subscriber websocket; nchan_channel_id $1; }\n"
                + "        location ~ ^" + Target.NCHAN.publishPath() + "(\\w+)$ { nchan_publisher; nchan_channel_id $1; }\n"
                + "    }\n"
                + "}\n";
    }
}
