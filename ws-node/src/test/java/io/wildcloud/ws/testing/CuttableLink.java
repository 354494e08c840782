package io.wildcloud.ws.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link on loopback between a client and a server (a node and its Redis) that a test can
 * make deaf and cut, as a process killed by the kernel leaves its connections: {@link #deafen}
 * keeps passing what the client sends but drops every byte the server answers from then on
 * (commands run, their answers never arrive); {@link #cut} closes every connection and refuses new
 * ones. One thread per direction and connection.
 */
public final class CuttableLink implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Set<Integer> upstreamPorts = ConcurrentHashMap.newKeySet();
    private volatile boolean deaf;

    private CuttableLink(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "cuttable-link-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    /** A link to {@code port} on loopback. */
    public static CuttableLink to(int port) throws IOException {
        return new CuttableLink(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The local ports of the link's connections to the server (how the server lists them: CLIENT LIST addr). */
    public Set<Integer> upstreamPorts() {
        return Set.copyOf(upstreamPorts);
    }

    /** From now on the server's answers are dropped; what clients send still reaches it. */
    public void deafen() {
        deaf = true;
    }

    /** Closes every connection both ways, and the listener: reconnects are refused. */
    public void cut() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(CuttableLink::closeQuietly);
    }

    @Override
    public void close() {
        cut();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                sockets.add(client);
                sockets.add(server);
                server.connect(target, 5_000);
                upstreamPorts.add(server.getLocalPort());
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException closed) {
                // the listener was cut, or one connection failed: its sockets close with cut()
            }
        }
    }

    private void pump(Socket from, Socket to, boolean answers) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16_384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    if (!(answers && deaf)) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "cuttable-link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
