package p2pbrs.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A sender slower than any per-read timeout yet never idle: writes the given bytes, one
 * at a time, every period, from a scheduler, until closed or the other side hangs up.
 * What a slowloris client does.
 */
public final class Trickle implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-trickle");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> task;

    public Trickle(OutputStream out, byte[] bytes, Duration every) {
        int[] next = {0};
        this.task = TIMER.scheduleAtFixedRate(() -> {
            try {
                out.write(bytes[next[0]++ % bytes.length]);
                out.flush();
            } catch (IOException e) {
                // The other side hung up, which is what the test waits for: an exception ends the schedule.
                throw new IllegalStateException("the other side closed", e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
