package p2pbrs.transport;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named daemon threads: names tell a thread dump what each thread serves, and daemon
 * threads never keep a stopping process alive (each owner closes its own in order).
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** Threads named prefix-1, prefix-2, ... */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return r -> named(r, prefix + "-" + ids.incrementAndGet());
    }

    /** One thread, not yet started. */
    public static Thread named(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }
}
