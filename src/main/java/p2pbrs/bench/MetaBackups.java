package p2pbrs.bench;

import java.util.ArrayList;
import java.util.List;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.Message;

/**
 * The backup requests of the owners, in the order a backup makes them: BACKUP_REQ (a plan
 * each), then CHUNK_SUMS for each planned version, then a STORE_ACK from the storage peer
 * the plan sends each copy to. Each phase uses what the one before it left: STORE_ACKs
 * only of versions whose checksums were all acknowledged, so that each one is matched
 * against its chunk's checksum as in a real backup.
 */
final class MetaBackups {
    // The server's own limit (docs/protocol.md, "Backup": Too-many-pending): each owner has
    // at most this many backups under way, so the BACKUP_REQ phase ends when every owner has.
    static final int PENDING_PER_OWNER = 16;
    // 16 chunks at the server's default chunk size (8 MiB): a plan's CHUNK_SUMS fit one datagram.
    static final long FILE_SIZE = 128L << 20;
    // Versions pile up on a few file names, as repeated backups of one folder do.
    private static final int FILES_PER_OWNER = 4;
    // 64 hex digits and a comma each: 16 fit a datagram beside the rest of the request.
    private static final int SUMS_PER_DATAGRAM = 16;

    private final MetaPeers peers;
    private final List<MetaPlan> planned = new ArrayList<>();
    private final List<MetaPlan> summed = new ArrayList<>();

    MetaBackups(MetaPeers peers) {
        this.peers = peers;
    }

    /** BACKUP_REQ from each owner in turn, sealed chunks and the checksum to come with BACKUP_DONE, as owners send. */
    MetaSource backupRequests() {
        List<MetaPeer> owners = peers.owners();
        return new MetaSource() {
            private long sent;

            @Override
            public synchronized MetaCall next() {
                if (sent >= (long) owners.size() * PENDING_PER_OWNER) {
                    return null;
                }
                MetaPeer owner = owners.get((int) (sent % owners.size()));
                String file = FileNames.encode("file-" + (sent / owners.size()) % FILES_PER_OWNER + ".bin");
                sent++;
                Message m = Message.of(Command.BACKUP_REQ, "0", file, Long.toString(FILE_SIZE), "-")
                        .withOption("format", "1").withOption("token", owner.token());
                return MetaCall.of(m, Command.BACKUP_PLAN, reply -> planned(MetaPlan.of(owner, reply, peers)));
            }
        };
    }

    private synchronized void planned(MetaPlan plan) {
        planned.add(plan);
    }

    private synchronized void summed(MetaPlan plan) {
        summed.add(plan);
    }

    /** CHUNK_SUMS of each planned version, a datagram per 16 chunks. */
    MetaSource chunkSums() {
        List<MetaPlan> plans = snapshot(planned);
        return new MetaSource() {
            private int plan;
            private int from;

            @Override
            public synchronized MetaCall next() {
                if (plan < plans.size() && from >= plans.get(plan).chunks()) {
                    plan++;
                    from = 0;
                }
                if (plan >= plans.size()) {
                    return null;
                }
                MetaPlan p = plans.get(plan);
                int to = Math.min(p.chunks(), from + SUMS_PER_DATAGRAM);
                List<String> sums = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    sums.add(p.checksum(i));
                }
                Message m = Message.of(Command.CHUNK_SUMS, "0", p.fileWire())
                        .withOption("version", Integer.toString(p.version()))
                        .withOption("from", Integer.toString(from))
                        .withOption("sums", "[" + String.join(",", sums) + "]")
                        .withOption("token", p.owner().token());
                from = to;
                int pages = (p.chunks() + SUMS_PER_DATAGRAM - 1) / SUMS_PER_DATAGRAM;
                return MetaCall.of(m, Command.ACK, reply -> {
                    if (p.summed(pages)) {
                        summed(p);
                    }
                });
            }
        };
    }

    /**
     * STORE_ACK of every copy of the versions whose checksums are in, each from the storage
     * peer holding it, spread over the versions (copy k of each version, then copy k + 1)
     * as many backups running at once send them.
     */
    MetaSource storeAcks() {
        List<MetaPlan> plans = snapshot(summed);
        int most = plans.stream().mapToInt(MetaPlan::copies).max().orElse(0);
        return new MetaSource() {
            private long next;

            @Override
            public synchronized MetaCall next() {
                while (next < (long) plans.size() * most) {
                    MetaPlan p = plans.get((int) (next % plans.size()));
                    int copy = (int) (next / plans.size());
                    next++;
                    if (copy < p.copies()) {
                        return storeAck(p, copy);
                    }
                }
                return null;
            }
        };
    }

    private static MetaCall storeAck(MetaPlan p, int copy) {
        int chunk = p.chunkOf(copy);
        MetaPeer holder = p.holderOf(copy);
        Message m = Message.of(Command.STORE_ACK, "0", p.chunkName(), Integer.toString(chunk))
                .withOption("owner", p.owner().publicId())
                .withOption("version", Integer.toString(p.version()))
                .withOption("size", Long.toString(p.sizeOf(chunk)))
                .withOption("checksum", p.checksum(chunk))
                .withOption("token", holder.token());
        return MetaCall.of(m, Command.ACK);
    }

    private synchronized List<MetaPlan> snapshot(List<MetaPlan> plans) {
        return new ArrayList<>(plans);
    }
}
