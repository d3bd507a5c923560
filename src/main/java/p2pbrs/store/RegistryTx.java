package p2pbrs.store;

import static p2pbrs.db.server.Tables.FILE;
import static p2pbrs.db.server.Tables.FILE_VERSION;
import static p2pbrs.db.server.Tables.INVITE;
import static p2pbrs.db.server.Tables.PEER;
import static p2pbrs.db.server.Tables.PEER_SECRET;
import static p2pbrs.db.server.Tables.PLAN_PEER;
import static p2pbrs.db.server.Tables.REQUEST_LOG;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import p2pbrs.db.server.tables.records.PeerRecord;
import p2pbrs.protocol.PeerNames;
import p2pbrs.protocol.Role;

/** The registry's operations inside one transaction. */
public final class RegistryTx {
    private final DSLContext dsl;

    RegistryTx(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** The history tables, in this same transaction. */
    public History history() {
        return new History(dsl);
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

    /**
     * The identity this name is bound to, compared regardless of case: a registered peer,
     * or a de-registered one that still owns backups or holds chunks.
     */
    public Optional<RegisteredPeer> boundToName(String name) {
        return dsl.selectFrom(PEER)
                .where(PEER.NAME_KEY.eq(PeerNames.key(name)))
                .fetchOptional()
                .map(RegistryStore::toDomain);
    }

    /** The identity (registered or not) whose token has this hash. */
    public Optional<RegisteredPeer> byTokenHash(String tokenHash) {
        return dsl.select(PEER.fields())
                .from(PEER).join(PEER_SECRET).on(PEER_SECRET.PEER_ID.eq(PEER.ID))
                .where(PEER_SECRET.TOKEN_HASH.eq(tokenHash))
                .fetchOptional()
                .map(r -> RegistryStore.toDomain(r.into(PEER)));
    }

    /** The registered peer whose token has this hash. */
    public Optional<RegisteredPeer> activeByTokenHash(String tokenHash) {
        return byTokenHash(tokenHash).filter(p -> !p.gone());
    }

    /** The identity with this public id, registered or not. */
    public Optional<RegisteredPeer> byPublicId(String publicId) {
        return dsl.selectFrom(PEER).where(PEER.PUBLIC_ID.eq(publicId)).fetchOptional().map(RegistryStore::toDomain);
    }

    /** Whether the token hash is this peer's, compared in constant time. */
    public boolean tokenMatches(long peerId, String tokenHash) {
        String stored = dsl.select(PEER_SECRET.TOKEN_HASH).from(PEER_SECRET)
                .where(PEER_SECRET.PEER_ID.eq(peerId)).fetchOne(PEER_SECRET.TOKEN_HASH);
        return stored != null && MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                tokenHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** A new identity, registered under its name. */
    public RegisteredPeer insert(PeerInfo info, String publicId, String tokenHash, String sealedTicketKey,
                                 OffsetDateTime now) {
        PeerRecord row = dsl.newRecord(PEER);
        PeerChanges.changed();
        copy(info, row);
        row.setNameKey(PeerNames.key(info.name()));
        row.setPublicId(publicId);
        row.setCommittedBytes(0L);
        row.setState(PeerState.ALIVE);
        row.setRegisteredAt(now);
        row.setUpdatedAt(now);
        row.setLastSeenAt(now);
        row.store();
        dsl.insertInto(PEER_SECRET, PEER_SECRET.PEER_ID, PEER_SECRET.TOKEN_HASH, PEER_SECRET.SEALED_TICKET_KEY)
                .values(row.getId(), tokenHash, sealedTicketKey)
                .execute();
        return RegistryStore.toDomain(row);
    }

    /**
     * Registers an identity again, under this name (its case may change) at a new address,
     * role and capacity: a restart, a move, or a de-registered identity coming back.
     */
    public void rebind(long peerId, PeerInfo info, OffsetDateTime now) {
        PeerChanges.changed();
        PeerRecord row = dsl.selectFrom(PEER).where(PEER.ID.eq(peerId)).forUpdate().fetchSingle();
        PeerState before = row.getState();
        copy(info, row);
        row.setNameKey(PeerNames.key(info.name()));
        if (row.getState() == PeerState.DEAD) {
            row.setReturnedAt(now);
        }
        row.setState(PeerState.ALIVE);
        // A peer that registers again stays: whatever leaving it had begun is called off.
        row.setDecommissionStartedAt(null);
        row.setGoneAt(null);
        row.setUpdatedAt(now);
        row.setLastSeenAt(now);
        row.store();
        new CopyCounters(dsl).holderChanged(peerId, before, PeerState.ALIVE);
    }

    /** Stores the peer's ticket key, sealed (it is derived again at each registration). */
    public void setSealedTicketKey(long peerId, String sealedTicketKey) {
        dsl.update(PEER_SECRET).set(PEER_SECRET.SEALED_TICKET_KEY, sealedTicketKey)
                .where(PEER_SECRET.PEER_ID.eq(peerId)).execute();
    }

    /** De-registers a peer; its name stays bound to it when {@code keepName}. */
    public void markGone(long peerId, boolean keepName, OffsetDateTime now) {
        PeerChanges.changed();
        PeerState before = dsl.select(PEER.STATE).from(PEER).where(PEER.ID.eq(peerId)).forUpdate()
                .fetchOptional(PEER.STATE).orElse(PeerState.GONE);
        var update = dsl.update(PEER)
                .set(PEER.STATE, PeerState.GONE)
                .set(PEER.GONE_AT, now)
                .set(PEER.DECOMMISSION_STARTED_AT, (OffsetDateTime) null)
                .set(PEER.UPDATED_AT, now);
        if (!keepName) {
            update = update.set(PEER.NAME_KEY, (String) null);
        }
        update.where(PEER.ID.eq(peerId)).execute();
        new CopyCounters(dsl).holderChanged(peerId, before, PeerState.GONE);
    }

    /**
     * Whether the identity owns backups (a version being backed up or complete) or holds
     * chunks of others (a plan placed them on it and it has not released them): then its
     * name must stay its own.
     */
    public boolean ownsOrHolds(long peerId) {
        boolean owns = dsl.fetchExists(dsl.selectOne().from(FILE_VERSION)
                .join(FILE).on(FILE.ID.eq(FILE_VERSION.FILE_ID))
                .where(FILE.OWNER_PEER_ID.eq(peerId), FILE_VERSION.STATE.in(VersionState.PENDING, VersionState.COMPLETE)));
        return owns || dsl.fetchExists(dsl.selectOne().from(PLAN_PEER)
                .where(PLAN_PEER.PEER_ID.eq(peerId), PLAN_PEER.RELEASED_AT.isNull()));
    }

    /** Registered peers sorted by name (case-insensitive), those after {@code afterName}. */
    public List<RegisteredPeer> activeAfter(String afterName, int limit) {
        var condition = PEER.STATE.ne(PeerState.GONE);
        if (afterName != null) {
            condition = condition.and(PEER.NAME_KEY.gt(PeerNames.key(afterName)));
        }
        return dsl.selectFrom(PEER)
                .where(condition)
                .orderBy(PEER.NAME_KEY)
                .limit(limit)
                .fetch(RegistryStore::toDomain);
    }

    /** Records an invitation by the hash of its code. */
    public void addInvite(String codeHash, Role role, OffsetDateTime expiresAt, OffsetDateTime now) {
        dsl.insertInto(INVITE, INVITE.CODE_HASH, INVITE.ROLE, INVITE.CREATED_AT, INVITE.EXPIRES_AT)
                .values(codeHash, role, now, expiresAt)
                .execute();
    }

    /** The invitation with this code hash, if any. */
    public Optional<Invitation> invite(String codeHash) {
        return dsl.selectFrom(INVITE).where(INVITE.CODE_HASH.eq(codeHash)).fetchOptional()
                .map(r -> new Invitation(r.getId(), r.getRole(), r.getExpiresAt(),
                        r.getUsedAt() != null));
    }

    /** Marks an invitation used by this identity. */
    public void useInvite(long inviteId, long peerId, OffsetDateTime now) {
        dsl.update(INVITE).set(INVITE.USED_AT, now).set(INVITE.USED_BY_PEER_ID, peerId)
                .where(INVITE.ID.eq(inviteId)).execute();
    }

    private static void copy(PeerInfo info, PeerRecord row) {
        row.setName(info.name());
        row.setRole(info.role());
        row.setIp(info.ip());
        row.setUdpPort(info.udpPort());
        row.setTcpPort(info.tcpPort());
        row.setCapacity(info.capacity());
    }
}
