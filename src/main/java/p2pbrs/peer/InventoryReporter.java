package p2pbrs.peer;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.InventoryItem;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Pages;
import p2pbrs.protocol.WireList;
import p2pbrs.store.ChunkIndex;
import p2pbrs.transport.DaemonThreads;
import p2pbrs.transport.NoReplyException;

/**
 * Tells the server, after each registration, what this storage peer holds (INVENTORY): the
 * checksum of every chunk file, indexed or loose, as one scan (a random id, and the time it
 * began by this peer's clock) in pages that each fill a datagram. The server reconciles the
 * scan with its placements once every page is in (docs/protocol.md, "Inventory and
 * reconciliation"). Runs on a thread of its own, a page at a time; a report the server
 * does not answer is made afresh later, with backoff, and a newer registration's report
 * replaces one under way.
 */
final class InventoryReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryReporter.class);
    private static final long FIRST_RETRY_MILLIS = 5_000;
    private static final long MAX_RETRY_MILLIS = 300_000;
    // Page and count are measured at their widest, so that what is measured is never shorter than what is sent.
    private static final String WIDEST_NUMBER = "9999999";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Registration registration;
    private final ChunkIndex index;
    private final LooseChunks loose;
    private final String name;
    private final ScheduledExecutorService thread;
    // Each report has a number; one overtaken by a newer stops.
    private final AtomicLong generation = new AtomicLong();

    InventoryReporter(Registration registration, ChunkIndex index, LooseChunks loose, String name) {
        this.registration = registration;
        this.index = index;
        this.loose = loose;
        this.name = name;
        this.thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("peer-" + name
                + "-inventory"));
    }

    /** Reports what this peer holds now, in the background, replacing a report under way. */
    void report() {
        long g = generation.incrementAndGet();
        thread.execute(() -> attempt(g, FIRST_RETRY_MILLIS));
    }

    private void attempt(long g, long retryMillis) {
        if (g != generation.get()) {
            return;
        }
        try {
            send(g);
        } catch (PeerException e) {
            if (g != generation.get()) {
                // Overtaken by a newer report, or the peer is closing: nothing to say.
                return;
            }
            if (!(e.getCause() instanceof NoReplyException)) {
                // Refused, not unreachable: the same report would be refused again.
                LOG.error("the server refused this peer's inventory: {}", e.getMessage());
                return;
            }
            LOG.warn("the server did not take this peer's inventory; reporting again in {} s", retryMillis / 1000);
            retry(g, retryMillis);
        } catch (RuntimeException e) {
            LOG.warn("reporting the inventory failed; trying again in {} s", retryMillis / 1000, e);
            retry(g, retryMillis);
        }
    }

    private void retry(long g, long retryMillis) {
        try {
            thread.schedule(() -> attempt(g, Math.min(MAX_RETRY_MILLIS, retryMillis * 2)), retryMillis,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The peer is closing: its next start reports afresh.
        }
    }

    private void send(long g) throws PeerException {
        long at = System.currentTimeMillis();
        List<InventoryItem> items = snapshot();
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String scan = HexFormat.of().formatHex(id);
        String token = registration.signed(Message.of(Command.INVENTORY, "1", name, "[]")).option("token");
        List<List<InventoryItem>> pages = paginate(items, some -> page("999999999", some, scan, WIDEST_NUMBER,
                WIDEST_NUMBER, at).withOption("token", token));
        Message last = null;
        for (int k = 0; k < pages.size(); k++) {
            if (g != generation.get()) {
                return;
            }
            Message page = page(registration.link().nextRq(), pages.get(k), scan, Integer.toString(k),
                    Integer.toString(pages.size()), at);
            last = registration.link().call(registration.signed(page));
            if (last.command() != Command.ACK) {
                throw new PeerException("inventory page " + k + " refused: " + Registration.reason(last));
            }
        }
        LOG.info("reported {} chunk files in {} page(s){}", items.size(), pages.size(),
                "1".equals(last.option("reconciling")) ? "; the server is reconciling them with its records" : "");
    }

    /**
     * Every checksum held now: those indexed, and the loose files still not indexed (a file
     * a new chunk was since stored over is indexed, and loose no more).
     */
    private List<InventoryItem> snapshot() {
        Set<String> indexed = index.checksums().keySet();
        List<InventoryItem> items = new ArrayList<>(indexed.size() + loose.count());
        indexed.forEach(c -> items.add(new InventoryItem(c, false)));
        for (String checksum : loose.checksums()) {
            if (indexed.contains(checksum)) {
                loose.remove(checksum);
            } else {
                items.add(new InventoryItem(checksum, true));
            }
        }
        return items;
    }

    private Message page(String rq, List<InventoryItem> items, String scan, String page, String pages, long at) {
        return Message.of(Command.INVENTORY, rq, name, WireList.format(items.stream().map(InventoryItem::encode)
                        .toList()))
                .withOption("scan", scan)
                .withOption("page", page)
                .withOption("pages", pages)
                .withOption("at", Long.toString(at));
    }

    /** Pages each as full as a datagram allows; one empty page when nothing is held. */
    private static List<List<InventoryItem>> paginate(List<InventoryItem> items,
                                                      Function<List<InventoryItem>, Message> widestPageOf) {
        List<List<InventoryItem>> pages = new ArrayList<>();
        int from = 0;
        do {
            List<InventoryItem> rest = items.subList(from, items.size());
            int n = Pages.fitting(rest.size(), k -> widestPageOf.apply(rest.subList(0, k)));
            if (n == 0 && !rest.isEmpty()) {
                throw new IllegalStateException("not one checksum fits an INVENTORY datagram");
            }
            pages.add(rest.subList(0, n));
            from += n;
        } while (from < items.size());
        return pages;
    }

    @Override
    public void close() {
        generation.incrementAndGet();
        thread.shutdownNow();
    }
}
