package p2pbrs.protocol;

import java.util.List;

/**
 * A request the server serves, decoded once by {@link Requests#decode}: each record holds
 * its fields and options already checked and converted, so a handler never parses text.
 * Tokens stay as sent (or null when absent): a missing or wrong token is a denial the
 * handler gives, not a malformed message. docs/protocol.md describes each request.
 */
public sealed interface Request {

    /** REGISTER: where the peer is and what it offers, with its token and invitation. */
    record Register(String name, Role role, String ip, int udpPort, int tcpPort, long capacity, String token,
                    String invite) implements Request {
    }

    /** DE-REGISTER. */
    /** HEARTBEAT: the peer is alive; it holds this many chunks, by its clock at this time (epoch ms). */
    record Heartbeat(String name, long chunks, long timestamp, String token) implements Request {
    }

    /**
     * INVENTORY: one page ({@code page} of {@code pages}, from 0) of what a storage peer holds,
     * in the scan it began at {@code at} (epoch ms, its clock).
     */
    record Inventory(String name, List<InventoryItem> items, String scan, int page, int pages, long at, String token)
            implements Request {
        public Inventory {
            items = List.copyOf(items);
        }
    }

    /** FSCK, from the operator's command: its signature is checked against the Message. */
    record Fsck() implements Request {
    }

    record DeRegister(String name, String token) implements Request {
    }

    /** LIST, from the start or after a name ({@code after}, null for the first page). */
    record ListPeers(String token, String after) implements Request {
    }

    /** INVITE, from the operator's command; its {@code auth=} is checked on the message's text. */
    record Invite(Role role, long expiresEpochSecond, String codeHash) implements Request {
    }

    /**
     * BACKUP_REQ. The checksum is null when the owner gives it with BACKUP_DONE ({@code -});
     * {@code renew} is the version whose plan to renew, or null for a new backup.
     */
    record BackupReq(FileName file, long size, String checksum, Integer renew, int format, String token) implements Request {
    }

    /** CHUNK_SUMS: the checksums of chunks {@code from}, {@code from + 1}, ... of a version. */
    record ChunkSums(FileName file, int version, int from, List<String> sums, String token) implements Request {
        public ChunkSums {
            sums = List.copyOf(sums);
        }
    }

    /** STORE_ACK: a storage peer stored this chunk of an owner's ({@code owner}, a public id) version. */
    record StoreAck(FileName file, int chunk, String owner, int version, long size, String checksum, String token)
            implements Request {
    }

    /**
     * SUBSTITUTE_REQ: the owner's planned peer {@code failedPeer} (or an earlier substitute)
     * failed to take this chunk, whose checksum is {@code checksum}; another peer, please.
     */
    record Substitute(FileName file, int chunk, String failedPeer, int version, String checksum, String token)
            implements Request {
    }

    /**
     * CHUNK_BAD: a copy of chunk {@code chunk} of a version found bad. From its holder (the
     * copy is the sender's own, {@code owner} names the file's owner, {@code holder} is null)
     * or from the file's owner ({@code holder} names the peer whose copy it fetched,
     * {@code owner} is null).
     */
    record ChunkBad(FileName file, int chunk, int version, String owner, String holder, String token)
            implements Request {
        public boolean fromOwner() {
            return holder != null;
        }
    }

    /**
     * BACKUP_DONE. The checksum is null when it came with BACKUP_REQ; {@code copies} is how
     * many copies the owner saw stored (0 when it does not say).
     */
    record BackupDone(FileName file, int version, String checksum, long copies, String token) implements Request {
    }

    /** RESTORE_REQ: the newest complete version when {@code version} is null, from chunk {@code from}. */
    record RestoreReq(FileName file, Integer version, int from, String token) implements Request {
    }

    /** RESTORE_OK ({@code ok}, no reason) or RESTORE_FAIL (with the owner's Reason). */
    record RestoreReport(FileName file, boolean ok, String reason, int version, Integer peers, String token) implements Request {
    }

    /** FILES, from the start or after one version of a file ({@code afterFile}, its number, null for the first page). */
    record Files(Long afterFile, int afterVersion, String token) implements Request {
    }

    /** FORGET one complete version, or every one when {@code version} is null ({@code all=1}). */
    record Forget(FileName file, Integer version, String token) implements Request {
        public boolean all() {
            return version == null;
        }
    }
}
