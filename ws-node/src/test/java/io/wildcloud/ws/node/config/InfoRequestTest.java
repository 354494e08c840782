package io.wildcloud.ws.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class InfoRequestTest {

    @Test
    void helpAndVersionAreFoundAnywhereHelpFirst() {
        assertEquals(Optional.of(InfoRequest.HELP), InfoRequest.find(new String[] {"--help"}));
        assertEquals(Optional.of(InfoRequest.HELP), InfoRequest.find(new String[] {"--public-port=1", "-h"}));
        assertEquals(Optional.of(InfoRequest.VERSION), InfoRequest.find(new String[] {"--version"}));
        assertEquals(Optional.of(InfoRequest.HELP), InfoRequest.find(new String[] {"--version", "--help"}));
        assertEquals(Optional.empty(), InfoRequest.find(new String[] {"--public-port=1"}));
        assertEquals(Optional.empty(), InfoRequest.find(new String[] {"--help=yes"}));
    }
}
