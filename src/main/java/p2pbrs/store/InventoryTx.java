package p2pbrs.store;

import static p2pbrs.db.server.Tables.INVENTORY_ITEM;
import static p2pbrs.db.server.Tables.INVENTORY_PAGE;
import static p2pbrs.db.server.Tables.INVENTORY_SCAN;
import static p2pbrs.db.server.Tables.PEER;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import p2pbrs.protocol.InventoryItem;
import p2pbrs.protocol.Role;

/**
 * The inventories storage peers report (INVENTORY), inside one transaction: pages
 * gathered until a scan is whole (in the transactions of the requests that bring them),
 * then reconciled with the server's placements and deleted (in a transaction of the
 * server's reconciling thread). docs/protocol.md, "Inventory and reconciliation".
 */
public final class InventoryTx {
    private final DSLContext dsl;
    private final BackupTx backups;

    InventoryTx(DSLContext dsl, BackupTx backups) {
        this.dsl = dsl;
        this.backups = backups;
    }

    /**
     * The scan's row, locked until this transaction ends (so that the pages of one scan are
     * taken one at a time, and exactly one of them completes it); made at the first page
     * that arrives, which drops the peer's older scans still being received (a whole one is
     * left to its reconciliation, which a newer whole one supersedes). Empty when the page
     * names another count of pages than the scan's.
     */
    public Optional<Long> scan(long peerId, String scan, int pages, OffsetDateTime takenAt, OffsetDateTime now) {
        Record2<Long, Integer> found = dsl.select(INVENTORY_SCAN.ID, INVENTORY_SCAN.PAGES).from(INVENTORY_SCAN)
                .where(INVENTORY_SCAN.PEER_ID.eq(peerId), INVENTORY_SCAN.SCAN.eq(scan))
                .forUpdate()
                .fetchOne();
        if (found != null) {
            return found.value2() == pages ? Optional.of(found.value1()) : Optional.empty();
        }
        // A newer scan says all an older one could: what the peer holds now.
        delete(INVENTORY_SCAN.PEER_ID.eq(peerId).and(DSL.not(whole())));
        return Optional.of(dsl.insertInto(INVENTORY_SCAN, INVENTORY_SCAN.PEER_ID, INVENTORY_SCAN.SCAN,
                        INVENTORY_SCAN.PAGES, INVENTORY_SCAN.TAKEN_AT, INVENTORY_SCAN.CREATED_AT)
                .values(peerId, scan, pages, takenAt, now)
                .returning(INVENTORY_SCAN.ID)
                .fetchOne(INVENTORY_SCAN.ID));
    }

    /** Records one page's checksums; returns false, changing nothing, when that page is in already. */
    public boolean addPage(long scanId, int page, List<InventoryItem> items) {
        int added = dsl.insertInto(INVENTORY_PAGE, INVENTORY_PAGE.SCAN_ID, INVENTORY_PAGE.PAGE)
                .select(DSL.select(DSL.val(scanId), DSL.val(page)).whereNotExists(dsl.selectOne().from(INVENTORY_PAGE)
                        .where(INVENTORY_PAGE.SCAN_ID.eq(scanId), INVENTORY_PAGE.PAGE.eq(page))))
                .execute();
        if (added == 0) {
            return false;
        }
        for (InventoryItem item : items) {
            dsl.insertInto(INVENTORY_ITEM, INVENTORY_ITEM.SCAN_ID, INVENTORY_ITEM.CHECKSUM, INVENTORY_ITEM.LOOSE)
                    .values(scanId, item.checksum(), item.loose())
                    .onDuplicateKeyIgnore()
                    .execute();
        }
        return true;
    }

    /** Whether every page of the scan is in. */
    public boolean complete(long scanId, int pages) {
        return dsl.fetchCount(INVENTORY_PAGE, INVENTORY_PAGE.SCAN_ID.eq(scanId)) == pages;
    }

    /** A scan with every page in, waiting for its reconciliation. */
    public record WholeScan(long id, OffsetDateTime takenAt, OffsetDateTime createdAt) {
    }

    /**
     * The peer's newest whole scan, if it has one; its older whole scans are dropped, for
     * the newest says all they could. The peer's scans are reconciled one at a time (the
     * server's reconciling thread), so none of them is being read meanwhile.
     */
    public Optional<WholeScan> newestWhole(long peerId) {
        List<WholeScan> scans = dsl.select(INVENTORY_SCAN.ID, INVENTORY_SCAN.TAKEN_AT, INVENTORY_SCAN.CREATED_AT)
                .from(INVENTORY_SCAN)
                .where(INVENTORY_SCAN.PEER_ID.eq(peerId), whole())
                .orderBy(INVENTORY_SCAN.ID.desc())
                .fetch(r -> new WholeScan(r.value1(), r.value2(), r.value3()));
        if (scans.size() > 1) {
            delete(INVENTORY_SCAN.ID.in(scans.subList(1, scans.size()).stream().map(WholeScan::id).toList()));
        }
        return scans.stream().findFirst();
    }

    /** The peers with a whole scan waiting: those a server that stopped before reconciling them owes. */
    public List<Long> peersWithWholeScans() {
        return dsl.selectDistinct(INVENTORY_SCAN.PEER_ID).from(INVENTORY_SCAN).where(whole())
                .fetch(INVENTORY_SCAN.PEER_ID);
    }

    /**
     * The peer's name while its inventories count (it is registered, not gone, and stores
     * chunks); empty once they do not.
     */
    public Optional<String> reportingPeer(long peerId) {
        return dsl.select(PEER.NAME).from(PEER)
                .where(PEER.ID.eq(peerId), PEER.STATE.ne(PeerState.GONE), PEER.ROLE.in(Role.STORAGE, Role.BOTH))
                .fetchOptional(PEER.NAME);
    }

    /** Drops every scan of the peer: it left, or no longer stores chunks, and what it held is no concern. */
    public void dropScansOf(long peerId) {
        delete(INVENTORY_SCAN.PEER_ID.eq(peerId));
    }

    /**
     * Reconciles a whole scan with what the server believes the peer holds, then deletes it.
     * The scan began no later than its first page arrived, whatever the peer's clock says:
     * copies acknowledged before that (less the clock allowance) that the scan does not list
     * are lost; chunks placed on the peer that it holds are adopted when wanted; checksums
     * nothing needs are released at releaseAt (only the index rows stored before the scan
     * began, by the peer's clock).
     */
    public Reconciliation reconcile(WholeScan scan, long peerId, Duration clockAllowance, OffsetDateTime now,
                                    OffsetDateTime releaseAt) {
        OffsetDateTime began = scan.takenAt().isBefore(scan.createdAt()) ? scan.takenAt() : scan.createdAt();
        Reconciliation done = new Reconciler(dsl, backups, scan.id(), peerId)
                .run(began.minus(clockAllowance), scan.takenAt(), now, releaseAt);
        delete(INVENTORY_SCAN.ID.eq(scan.id()));
        return done;
    }

    /**
     * Drops scans begun before the cutoff that never completed; returns how many. A whole
     * one is left to its reconciliation, which may be reading it.
     */
    public int prune(OffsetDateTime cutoff) {
        return delete(INVENTORY_SCAN.CREATED_AT.lt(cutoff).and(DSL.not(whole())));
    }

    /** Whether a scan (the row of the query) has every page in. */
    private Condition whole() {
        return INVENTORY_SCAN.PAGES.eq(DSL.field(DSL.selectCount().from(INVENTORY_PAGE)
                .where(INVENTORY_PAGE.SCAN_ID.eq(INVENTORY_SCAN.ID))));
    }

    private int delete(Condition scans) {
        List<Long> ids = dsl.select(INVENTORY_SCAN.ID).from(INVENTORY_SCAN).where(scans).fetch(INVENTORY_SCAN.ID);
        if (!ids.isEmpty()) {
            dsl.deleteFrom(INVENTORY_ITEM).where(INVENTORY_ITEM.SCAN_ID.in(ids)).execute();
            dsl.deleteFrom(INVENTORY_PAGE).where(INVENTORY_PAGE.SCAN_ID.in(ids)).execute();
            dsl.deleteFrom(INVENTORY_SCAN).where(INVENTORY_SCAN.ID.in(ids)).execute();
        }
        return ids.size();
    }
}
