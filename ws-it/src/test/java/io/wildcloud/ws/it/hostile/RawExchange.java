package io.wildcloud.ws.it.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request from {@link HostileNode#ATTACKER} as raw bytes, and what came back until the server
 * closed the connection (or 2 s passed). The request may be anything: a server that stops reading
 * half-way is noted, not an error.
 *
 * @param head the status line and headers of the answer, lower-cased; empty when none came
 * @param closed whether the server closed the connection within the 2 s
 */
record RawExchange(String head, boolean closed) {

    static RawExchange send(int port, byte[] request) {
        try (Socket socket = HostileNode.attackerSocket(port)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException serverStoppedReading) {
                // a server that answers and closes before the whole request is in: read what it said
            }
            return readUntilClosed(socket.getInputStream());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    int status() {
        return head.length() >= 12 && head.startsWith("http/1.") ? Integer.parseInt(head.substring(9, 12)) : -1;
    }

    boolean saysClose() {
        return head.contains("\r\nconnection: close\r\n");
    }

    private static RawExchange readUntilClosed(InputStream in) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean closed = false;
        try {
            int read;
            while (received.size() < 1 << 20 && (read = in.read(buffer)) >= 0) {
                received.write(buffer, 0, read);
            }
            closed = true;
        } catch (SocketTimeoutException stillOpen) {
            closed = false;
        } catch (IOException reset) {
            closed = true;
        }
        String text = received.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return new RawExchange((end < 0 ? text : text.substring(0, end + 2)).toLowerCase(Locale.ROOT), closed);
    }
}
