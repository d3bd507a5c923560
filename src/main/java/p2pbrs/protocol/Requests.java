package p2pbrs.protocol;

import java.util.List;

/**
 * Decodes a request the server serves into its {@link Request} record, checking every
 * field and option against the wire rules and what the server's database can hold. Fields
 * are checked in wire order, so a message with several bad fields is refused for its
 * first. The raw {@link Message} stays with the caller: the request log is keyed by its
 * text and signatures cover it.
 */
public final class Requests {
    private static final long LAST_EPOCH_SECOND = 253_402_300_799L;
    // Far more pages than any storage peer's chunks fill (some 18 checksums a page).
    static final int MAX_INVENTORY_PAGES = 1 << 22;
    // A restore's peers= counts the storage peers that served it: its holders, far fewer.
    static final int MAX_PEERS_USED = 100_000;
    private static final java.util.regex.Pattern SCAN_ID = java.util.regex.Pattern.compile("[0-9a-f]{8,32}");

    private Requests() {
    }

    /**
     * The typed request.
     *
     * @throws MalformedMessageException with the Reason an ERROR reply gives; Not-served
     *                                   for a request the server does not serve
     */
    public static Request decode(Message m) throws MalformedMessageException {
        return switch (m.command()) {
            case REGISTER -> register(m);
            case DE_REGISTER -> new Request.DeRegister(PeerNames.check(m.field(0), m.rq()), m.option("token"));
            case HEARTBEAT -> new Request.Heartbeat(PeerNames.check(m.field(0), m.rq()),
                    Numbers.parseLong(m.field(1), m.rq()), Numbers.parseLong(m.field(2), m.rq()), m.option("token"));
            case INVENTORY -> inventory(m);
            case LIST -> list(m);
            case INVITE -> invite(m);
            case FSCK -> new Request.Fsck();
            case BACKUP_REQ -> backupReq(m);
            case CHUNK_SUMS -> chunkSums(m);
            case STORE_ACK -> storeAck(m);
            case SUBSTITUTE_REQ -> substitute(m);
            case CHUNK_BAD -> chunkBad(m);
            case BACKUP_DONE -> backupDone(m);
            case RESTORE_REQ -> restoreReq(m);
            case RESTORE_OK, RESTORE_FAIL -> restoreReport(m);
            case FILES -> files(m);
            case FORGET -> forget(m);
            default -> throw new MalformedMessageException(m.rq(), Reason.NOT_SERVED,
                    m.command().wireName() + " is not served here");
        };
    }

    private static Request register(Message m) throws MalformedMessageException {
        String rq = m.rq();
        return new Request.Register(
                PeerNames.check(m.field(0), rq),
                Role.parse(m.field(1), rq),
                Fields.ipLiteral(m.field(2), rq),
                Fields.port(m.field(3), rq),
                Fields.port(m.field(4), rq),
                Sizes.parse(m.field(5), rq),
                m.option("token"),
                m.option("invite"));
    }

    private static Request list(Message m) throws MalformedMessageException {
        String after = m.option("after");
        if (after != null) {
            PeerNames.check(after, m.rq());
        }
        return new Request.ListPeers(m.option("token"), after);
    }

    private static Request inventory(Message m) throws MalformedMessageException {
        String rq = m.rq();
        String name = PeerNames.check(m.field(0), rq);
        List<InventoryItem> items = new java.util.ArrayList<>();
        for (String item : WireList.parse(m.field(1), rq)) {
            items.add(InventoryItem.parse(item, rq));
        }
        String scan = m.option("scan");
        if (scan == null || !SCAN_ID.matcher(scan).matches()) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "scan is 8 to 32 hex digits");
        }
        int page = Numbers.intOption(m, "page");
        int pages = Numbers.intOption(m, "pages");
        if (pages < 1 || pages > MAX_INVENTORY_PAGES || page >= pages) {
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "page " + page + " of " + pages);
        }
        long at = Numbers.option(m, "at");
        if (at > LAST_EPOCH_SECOND * 1000) {
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "at too far: " + at);
        }
        return new Request.Inventory(name, items, scan, page, pages, at, m.option("token"));
    }

    private static Request invite(Message m) throws MalformedMessageException {
        String rq = m.rq();
        Role role = Role.parse(m.field(0), rq);
        long expires = Numbers.parseLong(m.field(1), rq);
        if (expires > LAST_EPOCH_SECOND) {
            // Past what a database time holds (the end of year 9999).
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "expires too far: " + expires);
        }
        return new Request.Invite(role, expires, Numbers.checksum(m.option("code_hash"), rq));
    }

    private static Request backupReq(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        long size = Numbers.parseLong(m.field(1), rq);
        // "-": the owner gives the checksum with BACKUP_DONE, so that it reads the file once.
        String checksum = "-".equals(m.field(2)) ? null : Numbers.checksum(m.field(2), rq);
        // Absent: the chunks are the file's bytes, as before chunks were sealed.
        Integer format = optionalInt(m, "format");
        if (format != null && !ChunkFormats.known(format)) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "unknown chunk format " + format);
        }
        return new Request.BackupReq(file, size, checksum, optionalInt(m, "version"),
                format == null ? ChunkFormats.PLAIN : format, m.option("token"));
    }

    private static Request chunkSums(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        int version = Numbers.intOption(m, "version");
        int from = Numbers.intOption(m, "from");
        String sumsText = m.option("sums");
        if (sumsText == null) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "missing option sums");
        }
        List<String> sums = WireList.parse(sumsText, rq);
        for (String sum : sums) {
            Numbers.checksum(sum, rq);
        }
        return new Request.ChunkSums(file, version, from, sums, m.option("token"));
    }

    private static Request storeAck(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        int chunk = Numbers.parseInt(m.field(1), rq);
        String owner = Tokens.publicId(m.option("owner"), rq);
        int version = Numbers.intOption(m, "version");
        long size = Numbers.option(m, "size");
        String checksum = Numbers.checksum(m.option("checksum"), rq);
        return new Request.StoreAck(file, chunk, owner, version, size, checksum, m.option("token"));
    }

    private static Request substitute(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        int chunk = Numbers.parseInt(m.field(1), rq);
        String failedPeer = PeerNames.check(m.field(2), rq);
        int version = Numbers.intOption(m, "version");
        String checksum = Numbers.checksum(m.option("checksum"), rq);
        return new Request.Substitute(file, chunk, failedPeer, version, checksum, m.option("token"));
    }

    private static Request chunkBad(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        int chunk = Numbers.parseInt(m.field(1), rq);
        int version = Numbers.intOption(m, "version");
        String owner = m.option("owner");
        String holder = m.option("holder");
        // Who reports decides whose copy it is: the holder its own (naming the owner), the
        // owner one it fetched (naming the holder). Never both, never neither.
        if ((owner == null) == (holder == null)) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION,
                    "CHUNK_BAD takes owner= (from the holder) or holder= (from the owner)");
        }
        return new Request.ChunkBad(file, chunk, version, owner == null ? null : Tokens.publicId(owner, rq),
                holder == null ? null : PeerNames.check(holder, rq), m.option("token"));
    }

    private static Request backupDone(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        int version = Numbers.intOption(m, "version");
        String checksum = m.option("checksum") == null ? null : Numbers.checksum(m.option("checksum"), rq);
        long copies = m.option("copies") == null ? 0 : Numbers.option(m, "copies");
        return new Request.BackupDone(file, version, checksum, copies, m.option("token"));
    }

    private static Request restoreReq(Message m) throws MalformedMessageException {
        FileName file = FileName.decode(m.field(0), m.rq());
        Integer version = optionalInt(m, "version");
        int from = m.option("from") == null ? 0 : Numbers.intOption(m, "from");
        return new Request.RestoreReq(file, version, from, m.option("token"));
    }

    private static Request restoreReport(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        boolean ok = m.command() == Command.RESTORE_OK;
        String reason = ok ? null : Reason.check(m.field(1), rq);
        Integer peers = optionalInt(m, "peers");
        if (peers != null && peers > MAX_PEERS_USED) {
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "peers=" + peers + " is more than a restore uses");
        }
        return new Request.RestoreReport(file, ok, reason, Numbers.intOption(m, "version"), peers, m.option("token"));
    }

    private static Request files(Message m) throws MalformedMessageException {
        String rq = m.rq();
        String after = m.option("after");
        if (after == null) {
            return new Request.Files(null, 0, m.option("token"));
        }
        // The cursor a FILES_OK page ended with: <file number>:<version>, short whatever the
        // name's length, so that a page holding the longest name still has room for it.
        int colon = after.indexOf(':');
        if (colon <= 0) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "after is a cursor from next=");
        }
        long file = Numbers.parseLong(after.substring(0, colon), rq);
        int version = Numbers.parseInt(after.substring(colon + 1), rq);
        return new Request.Files(file, version, m.option("token"));
    }

    private static Request forget(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        Integer version = optionalInt(m, "version");
        boolean all = "1".equals(m.option("all"));
        if ((version == null) == !all) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "FORGET takes version=N or all=1");
        }
        return new Request.Forget(file, version, m.option("token"));
    }

    /** An option holding a whole number that fits an int, or null when the message does not carry it. */
    private static Integer optionalInt(Message m, String key) throws MalformedMessageException {
        return m.option(key) == null ? null : Numbers.intOption(m, key);
    }
}
