package io.wildcloud.ws.common.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void itCountsWhatTheEncoderWrites() {
        for (String text : List.of("", "ascii", "é", "€uro", "𝄞 clef", "mix é € 𝄞 z", "\ud800 lone", "end \udc00")) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Utf8.length(text), text);
        }
    }
}
