package p2pbrs.transport;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Message;

/**
 * Sends requests over a {@link UdpEndpoint} and matches replies by RQ#, retransmitting the
 * same datagram under the same RQ# until it is answered or the tries run out.
 */
public final class RequestClient {
    private static final long RQ_SPACE = 999_999_999L;

    private final UdpEndpoint endpoint;
    private final ScheduledExecutorService timer;
    private final RetryPolicy policy;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    // Start at a random point so that a restarted peer does not reuse the RQ#s whose
    // replies the server still remembers for its address.
    private final AtomicLong counter = new AtomicLong(new SecureRandom().nextInt(900_000_000));

    private record Pending(CompletableFuture<Message> future, InetSocketAddress to) {
    }

    public RequestClient(UdpEndpoint endpoint, ScheduledExecutorService timer, RetryPolicy policy) {
        this.endpoint = endpoint;
        this.timer = timer;
        this.policy = policy;
    }

    /** A new RQ#, never "0" (which ERROR replies use when no RQ# could be read). */
    public String nextRq() {
        return Long.toString(counter.getAndIncrement() % RQ_SPACE + 1);
    }

    /** Sends the request and completes with its reply, or with {@link NoReplyException}. */
    public CompletableFuture<Message> send(Message request, InetSocketAddress to) {
        return send(request, to, () -> true);
    }

    /**
     * The same, for a request that may stop being true while it is retransmitted: each copy
     * goes out only while wanted says so, and once it says no the request is cancelled (the
     * future completes with a {@link java.util.concurrent.CancellationException}).
     */
    public CompletableFuture<Message> send(Message request, InetSocketAddress to, BooleanSupplier wanted) {
        CompletableFuture<Message> future = new CompletableFuture<>();
        if (pending.putIfAbsent(request.rq(), new Pending(future, to)) != null) {
            throw new IllegalStateException("RQ# " + request.rq() + " is already in flight");
        }
        future.whenComplete((reply, error) -> pending.remove(request.rq()));
        transmit(Codec.encode(request), request, to, future, wanted, 1);
        return future;
    }

    /** The longest {@link #call} waits: every try timed out, and a last timeout to spare. */
    public long longestCallMillis() {
        return policy.totalMillis() + policy.maxTimeoutMillis();
    }

    /**
     * Sends and waits for the reply. The retransmissions end the wait; should they stop
     * without ending it (their timer shut down as the peer closes), it ends once every try
     * would have timed out.
     */
    public Message call(Message request, InetSocketAddress to) throws NoReplyException {
        try {
            return send(request, to).get(longestCallMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new NoReplyException(request.command().wireName(), to, policy.maxTries());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoReplyException(request.command().wireName(), to, 0);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NoReplyException noReply) {
                throw noReply;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void transmit(byte[] datagram, Message request, InetSocketAddress to,
                          CompletableFuture<Message> future, BooleanSupplier wanted, int tryNumber) {
        if (future.isDone()) {
            return;
        }
        try {
            if (!wanted.getAsBoolean()) {
                future.cancel(false);
                return;
            }
        } catch (RuntimeException e) {
            // Whether it is still wanted cannot be told: the caller decides what that means.
            future.completeExceptionally(e);
            return;
        }
        if (tryNumber > policy.maxTries()) {
            future.completeExceptionally(new NoReplyException(request.command().wireName(), to, policy.maxTries()));
            return;
        }
        endpoint.send(datagram, to);
        try {
            timer.schedule(() -> transmit(datagram, request, to, future, wanted, tryNumber + 1),
                    policy.timeoutForTry(tryNumber), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The timer is shut down: the peer is closing, and no retransmission will come.
            future.completeExceptionally(new NoReplyException(request.command().wireName(), to, tryNumber));
        }
    }

    /**
     * Offers a received reply. Returns whether it answered a request in flight; replies
     * from an address the request did not go to are ignored.
     */
    public boolean onReply(Message reply, InetSocketAddress from) {
        Pending p = pending.get(reply.rq());
        if (p == null || !p.to().equals(from)) {
            return false;
        }
        return p.future().complete(reply);
    }
}
