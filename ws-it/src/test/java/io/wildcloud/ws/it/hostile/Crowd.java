package io.wildcloud.ws.it.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many attack connections from {@link HostileNode#ATTACKER}, driven by one thread without
 * blocking: each write sends what the socket takes now, each poll reads what the server sent and
 * notices when it closed. A connection the node refuses at accept shows as closed at once.
 */
final class Crowd implements AutoCloseable {

    private final List<Member> members = new ArrayList<>();

    /** Opens {@code count} connections to {@code port}; a refused connect counts as closed. */
    static Crowd connect(int port, int count) {
        Crowd crowd = new Crowd();
        for (int i = 0; i < count; i++) {
            crowd.members.add(Member.open(port));
        }
        return crowd;
    }

    int size() {
        return members.size();
    }

    /**
     * Writes {@code bytes} to every open member that has sent fewer than {@code upTo} bytes;
     * returns how many took some.
     */
    int sendToEach(byte[] bytes, long upTo) {
        int took = 0;
        for (Member member : members) {
            if (member.open && member.sent < upTo && member.send(bytes)) {
                took++;
            }
        }
        return took;
    }

    /** Reads what the server sent to each member; notes the ones it closed. */
    void poll() {
        for (Member member : members) {
            member.poll();
        }
    }

    int closedByServer() {
        return (int) members.stream().filter(m -> !m.open).count();
    }

    /** Members whose received bytes begin with {@code prefix} (e.g. a status line). */
    int answeredWith(String prefix) {
        return (int) members.stream().filter(m -> m.received.toString().startsWith(prefix)).count();
    }

    /** The first bytes each member received, for failure messages. */
    List<String> answers() {
        return members.stream().map(m -> m.received.length() > 80 ? m.received.substring(0, 80) : m.received.toString())
                .distinct().toList();
    }

    /**
     * Members the server closed within {@code millis} of their connect without sending a byte:
     * refused at accept.
     */
    int refusedWithin(long millis) {
        return (int) members.stream().filter(m -> m.refusedWithin(millis)).count();
    }

    /** Members not refused that way that are closed, and began their answer with {@code prefix}. */
    int servedAndClosed(long refusedWithinMillis, long closedWithinMillis, String prefix) {
        return (int) members.stream().filter(m -> !m.refusedWithin(refusedWithinMillis) && !m.open
                && (m.closedAt - m.connectedAt) / 1_000_000 <= closedWithinMillis
                && m.received.toString().startsWith(prefix)).count();
    }

    /** Most time any member took from its connect until the server closed it, in ms (open ones: -1). */
    long slowestCloseMillis() {
        long slowest = 0;
        for (Member member : members) {
            if (member.open) {
                return -1;
            }
            slowest = Math.max(slowest, (member.closedAt - member.connectedAt) / 1_000_000);
        }
        return slowest;
    }

    @Override
    public void close() {
        for (Member member : members) {
            try {
                member.channel.close();
            } catch (IOException ignored) {
                // ends the attack either way
            }
        }
    }

    private static final class Member {
        private final SocketChannel channel;
        private final long connectedAt = System.nanoTime();
        private final StringBuilder received = new StringBuilder();
        private final ByteBuffer in = ByteBuffer.allocate(4096);
        private boolean open = true;
        private long closedAt;
        private long sent;

        private Member(SocketChannel channel) {
            this.channel = channel;
        }

        static Member open(int port) {
            try {
                SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(InetAddress.getByName(HostileNode.ATTACKER), 0));
                channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                channel.configureBlocking(false);
                return new Member(channel);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot connect from " + HostileNode.ATTACKER + " to " + port, e);
            }
        }

        boolean send(byte[] bytes) {
            try {
                int written = channel.write(ByteBuffer.wrap(bytes));
                sent += written;
                return written > 0;
            } catch (IOException e) {
                markClosed();
                return false;
            }
        }

        void poll() {
            if (!open) {
                return;
            }
            try {
                int read;
                while ((read = channel.read(in.clear())) > 0) {
                    if (received.length() < 512) {
                        received.append(new String(in.array(), 0, read, StandardCharsets.ISO_8859_1));
                    }
                }
                if (read < 0) {
                    markClosed();
                }
            } catch (IOException e) {
                markClosed();
            }
        }

        boolean refusedWithin(long millis) {
            return !open && received.length() == 0 && (closedAt - connectedAt) / 1_000_000 <= millis;
        }

        private void markClosed() {
            if (open) {
                open = false;
                closedAt = System.nanoTime();
            }
        }
    }
}
