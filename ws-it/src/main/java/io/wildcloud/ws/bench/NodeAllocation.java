package io.wildcloud.ws.bench;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The bytes a node's threads allocate on the heap, read through the node's own JMX agent (attached
 * by pid, started local-only): a count that does not depend on the machine's speed or load, unlike
 * CPU and latency, so that a change's effect on GC pauses can be judged on a shared machine. Each
 * thread's count is exact (HotSpot's per-thread TLAB accounting); a thread that ends between the
 * two reads takes its share with it, so the figure is a floor (the node's event loops and workers
 * live as long as it does).
 */
final class NodeAllocation implements AutoCloseable {

    private final JMXConnector connector;
    private final ThreadMXBean threads;
    private Map<Long, Long> mark = Map.of();

    private NodeAllocation(JMXConnector connector, ThreadMXBean threads) {
        this.connector = connector;
        this.threads = threads;
    }

    /**
     * Attaches to the JVM of {@code pid}; {@code null} (and a line on stderr) if it cannot be, so
     * that the benchmark still runs where attach is refused.
     */
    static NodeAllocation attach(long pid) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(connection,
                    ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            NodeAllocation allocation = new NodeAllocation(connector, threads);
            allocation.perThread(); // the first read's own cost is paid before any window
            return allocation;
        } catch (Exception | LinkageError e) {
            System.err.println("no allocation figures for pid " + pid + ": " + e);
            return null;
        }
    }

    /** Bytes counted from here on. */
    void mark() {
        mark = perThread();
    }

    /** Bytes the node's threads allocated since {@link #mark}; -1 if the node could not be read. */
    long sinceMark() {
        Map<Long, Long> now = perThread();
        if (now.isEmpty()) {
            return -1;
        }
        long total = 0;
        for (Map.Entry<Long, Long> thread : now.entrySet()) {
            total += thread.getValue() - mark.getOrDefault(thread.getKey(), 0L);
        }
        return total;
    }

    private Map<Long, Long> perThread() {
        try {
            long[] ids = threads.getAllThreadIds();
            long[] bytes = threads.getThreadAllocatedBytes(ids);
            Map<Long, Long> byThread = new HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                if (bytes[i] >= 0) {
                    byThread.put(ids[i], bytes[i]);
                }
            }
            return byThread;
        } catch (RuntimeException e) {
            System.err.println("allocation figures not read: " + e);
            return Map.of();
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (Exception e) {
            // the node is going away
        }
    }
}
