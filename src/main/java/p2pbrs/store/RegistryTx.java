package p2pbrs.store;

import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.REQUEST_LOG;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import p2pbrs.db.server.tables.records.PeerRecord;
import p2pbrs.protocol.PeerNames;

/** The registry's operations inside one transaction. */
public final class RegistryTx {
    static final String ALIVE = "ALIVE";
    static final String GONE = "GONE";

    private final DSLContext dsl;

    RegistryTx(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * The reply already given to this sender's request with this RQ#, if the request was
     * the same one (a different request under a reused RQ# is a new request).
     */
    public Optional<String> loggedReply(String sender, String rq, String requestDigest) {
        return dsl.select(REQUEST_LOG.REPLY)
                .from(REQUEST_LOG)
                .where(REQUEST_LOG.SENDER.eq(sender), REQUEST_LOG.RQ.eq(rq),
                        REQUEST_LOG.REQUEST_DIGEST.eq(requestDigest))
                .fetchOptional(REQUEST_LOG.REPLY);
    }

    public void logReply(String sender, String rq, String requestDigest, String reply, OffsetDateTime now) {
        dsl.mergeInto(REQUEST_LOG)
                .using(dsl.selectOne())
                .on(REQUEST_LOG.SENDER.eq(sender), REQUEST_LOG.RQ.eq(rq))
                .whenMatchedThenUpdate()
                .set(REQUEST_LOG.REQUEST_DIGEST, requestDigest)
                .set(REQUEST_LOG.REPLY, reply)
                .set(REQUEST_LOG.CREATED_AT, now)
                .whenNotMatchedThenInsert(REQUEST_LOG.SENDER, REQUEST_LOG.RQ, REQUEST_LOG.REQUEST_DIGEST,
                        REQUEST_LOG.REPLY, REQUEST_LOG.CREATED_AT)
                .values(sender, rq, requestDigest, reply, now)
                .execute();
    }

    /** The registered peer with this name, compared regardless of case. */
    public Optional<RegisteredPeer> activeByName(String name) {
        return dsl.selectFrom(PEER)
                .where(PEER.ACTIVE_NAME_KEY.eq(PeerNames.key(name)))
                .fetchOptional()
                .map(RegistryStore::toDomain);
    }

    /** The registered peer whose token has this hash. */
    public Optional<RegisteredPeer> activeByTokenHash(String tokenHash) {
        return dsl.select(PEER.fields())
                .from(PEER).join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(PEER.ID))
                .where(PEER_SECRET.TOKEN_HASH.eq(tokenHash), PEER.ACTIVE_NAME_KEY.isNotNull())
                .fetchOptional()
                .map(r -> RegistryStore.toDomain(r.into(PEER)));
    }

    /** A de-registered peer of this name whose token has this hash: its owner is back. */
    public Optional<RegisteredPeer> goneByNameAndTokenHash(String name, String tokenHash) {
        return dsl.select(PEER.fields())
                .from(PEER).join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(PEER.ID))
                .where(PEER_SECRET.TOKEN_HASH.eq(tokenHash), PEER.STATE.eq(GONE),
                        PEER.NAME.equalIgnoreCase(name))
                .fetchOptional()
                .map(r -> RegistryStore.toDomain(r.into(PEER)));
    }

    /** Whether the token hash is this peer's, compared in constant time. */
    public boolean tokenMatches(long peerId, String tokenHash) {
        String stored = dsl.select(PEER_SECRET.TOKEN_HASH).from(PEER_SECRET)
                .where(PEER_SECRET.PEER_ID.eq(peerId)).fetchOne(PEER_SECRET.TOKEN_HASH);
        return stored != null && MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                tokenHash.getBytes(StandardCharsets.US_ASCII));
    }

    public long insert(PeerInfo info, String tokenHash, String ticketKey, OffsetDateTime now) {
        PeerRecord row = dsl.newRecord(PEER);
        copy(info, row);
        row.setActiveNameKey(PeerNames.key(info.name()));
        row.setState(ALIVE);
        row.setRegisteredAt(now);
        row.setUpdatedAt(now);
        row.setLastSeenAt(now);
        row.store();
        dsl.insertInto(PEER_SECRET, PEER_SECRET.PEER_ID, PEER_SECRET.TOKEN_HASH, PEER_SECRET.TICKET_KEY)
                .values(row.getId(), tokenHash, ticketKey)
                .execute();
        return row.getId();
    }

    /** Points a registered name at a new address, role and capacity (a restart or a move). */
    public void rebind(long peerId, PeerInfo info, OffsetDateTime now) {
        PeerRecord row = dsl.fetchSingle(PEER, PEER.ID.eq(peerId));
        copy(info, row);
        row.setState(ALIVE);
        row.setUpdatedAt(now);
        row.setLastSeenAt(now);
        row.store();
    }

    /** Brings a de-registered peer back under its old identity (and, later, its backups). */
    public void revive(long peerId, PeerInfo info, OffsetDateTime now) {
        PeerRecord row = dsl.fetchSingle(PEER, PEER.ID.eq(peerId));
        copy(info, row);
        row.setActiveNameKey(PeerNames.key(info.name()));
        row.setState(ALIVE);
        row.setGoneAt(null);
        row.setUpdatedAt(now);
        row.setLastSeenAt(now);
        row.store();
    }

    public void markGone(long peerId, OffsetDateTime now) {
        dsl.update(PEER)
                .set(PEER.STATE, GONE)
                .set(PEER.ACTIVE_NAME_KEY, (String) null)
                .set(PEER.GONE_AT, now)
                .set(PEER.UPDATED_AT, now)
                .where(PEER.ID.eq(peerId))
                .execute();
    }

    /** Registered peers sorted by name (case-insensitive), those after {@code afterName}. */
    public List<RegisteredPeer> activeAfter(String afterName, int limit) {
        var condition = PEER.ACTIVE_NAME_KEY.isNotNull();
        if (afterName != null) {
            condition = condition.and(PEER.ACTIVE_NAME_KEY.gt(PeerNames.key(afterName)));
        }
        return dsl.selectFrom(PEER)
                .where(condition)
                .orderBy(PEER.ACTIVE_NAME_KEY)
                .limit(limit)
                .fetch(RegistryStore::toDomain);
    }

    private static void copy(PeerInfo info, PeerRecord row) {
        row.setName(info.name());
        row.setRole(info.role().name());
        row.setIp(info.ip());
        row.setUdpPort(info.udpPort());
        row.setTcpPort(info.tcpPort());
        row.setCapacity(info.capacity());
    }
}
