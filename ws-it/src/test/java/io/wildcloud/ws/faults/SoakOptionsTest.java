package io.wildcloud.ws.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    private static final String LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    @Test
    void nodeEnvironmentsAreGroupedByNodeAndKeepEqualsSignsAndColonsInTheirValues() throws Exception {
        Soak.Options options = Soak.Options.parse(new String[] {"--node-jar=node.jar", "--nodes=3",
                "--node-env=2:LD_PRELOAD=" + LIBFAKETIME, "--node-env=2:FAKETIME=-60s",
                "--node-env=3:FAKETIME=+45s", "--node-env=3:ODD=a=b:c", "--sessions=20"});

        assertEquals(Map.of(2, Map.of("LD_PRELOAD", LIBFAKETIME, "FAKETIME", "-60s"),
                3, Map.of("FAKETIME", "+45s", "ODD", "a=b:c")), options.rig().nodeEnvironments());
        assertEquals(20, options.sessions());
    }

    @Test
    void withoutNodeEnvironmentsEveryNodeRunsInTheSoaksOwn() throws Exception {
        assertEquals(Map.of(), Soak.Options.parse(new String[] {"--node-jar=node.jar"}).rig().nodeEnvironments());
    }

    @Test
    void aNodeEnvironmentWithoutANodeInRangeOrAVariableNameIsRefusedWithTheFormWanted() {
        for (String bad : new String[] {"--node-env=FAKETIME=-60s", "--node-env=0:FAKETIME=-60s",
                "--node-env=4:FAKETIME=-60s", "--node-env=x:FAKETIME=-60s", "--node-env=2:FAKETIME",
                "--node-env=2:=-60s"}) {
            IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class,
                    () -> Soak.Options.parse(new String[] {"--node-jar=node.jar", "--nodes=3", bad}), bad);
            assertTrue(refusal.getMessage().startsWith(bad + ": want --node-env=N:NAME=VALUE with N from 1 to 3"),
                    refusal.getMessage());
        }
    }
}
