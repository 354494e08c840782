package io.wildcloud.ws.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.loadgen.LoadOptions;
import io.wildcloud.ws.loadgen.Target;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Nchan reference's nginx.conf (no nginx needed): what issue 17's comparison relies on. */
class NchanConfigTest {

    private static final Path DIR = Path.of("/tmp/bench/a-nchan");

    @Test
    void oneWorkerOnLoopbackWithEverythingInTheWorkDirAndThePathsTheLoadGeneratorSpeaks() {
        String conf = new NchanConfig(18080, DIR, null, NchanConfig.DEBIAN_MODULE).render();
        assertTrue(conf.startsWith("load_module /usr/lib/nginx/modules/ngx_nchan_module.so;\n"), conf);
        assertTrue(conf.contains("worker_processes 1;\n"), conf);
        assertTrue(conf.contains("daemon off;\n"), conf);
        assertTrue(conf.contains("listen 127.0.0.1:18080;"), conf);
        assertTrue(conf.contains("pid /tmp/bench/a-nchan/nginx.pid;"), conf);
        assertTrue(conf.contains("error_log /tmp/bench/a-nchan/error.log warn;"), conf);
        assertTrue(conf.contains("client_body_temp_path /tmp/bench/a-nchan/client_body;"), conf);
        assertTrue(conf.contains("location ~ ^/sub/(\\w+)$ { nchan_subscriber websocket; nchan_channel_id $1; }"), conf);
        assertTrue(conf.contains("location ~ ^/pub/(\\w+)$ { nchan_publisher; nchan_channel_id $1; }"), conf);
        assertTrue(conf.contains("location = /health { return 200"), conf);
        assertFalse(conf.contains("redis"), conf);
        assertEquals(Target.NCHAN_SUBSCRIBE_PATH, "/sub/");
        assertEquals(Target.NCHAN.publishPath(), "/pub/");
    }

    @Test
    void redisStoreForTheCrossNodeRow() {
        String conf = new NchanConfig(18080, DIR, "redis://127.0.0.1:6390", NchanConfig.DEBIAN_MODULE).render();
        assertTrue(conf.contains("nchan_redis_url \"redis://127.0.0.1:6390\";\n    nchan_use_redis on;\n"), conf);
    }

    @Test
    void badSettingsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new NchanConfig(0, DIR, null, NchanConfig.DEBIAN_MODULE));
        assertThrows(IllegalArgumentException.class,
                () -> new NchanConfig(18080, Path.of("relative"), null, NchanConfig.DEBIAN_MODULE));
        IllegalArgumentException remote = assertThrows(IllegalArgumentException.class,
                () -> new NchanConfig(18080, DIR, "redis://10.0.0.1:6379", NchanConfig.DEBIAN_MODULE));
        assertTrue(remote.getMessage().contains("redis://10.0.0.1:6379"), remote.getMessage());
    }

    @Test
    void nchanTargetTakesWebSocketsAndSinglePublishesOnly() {
        assertEquals(Target.NCHAN, LoadOptions.parse(new String[] {"--target=nchan", "--transports=websocket:1"}).target());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--target=nchan"}));
        assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--target=nchan", "--transports=websocket", "--batch=10"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--target=centrifugo"}));
    }
}
