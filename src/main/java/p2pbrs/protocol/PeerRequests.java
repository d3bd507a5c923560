package p2pbrs.protocol;

/**
 * Decodes the requests a peer serves into their {@link PeerRequest} records, checking
 * fields in wire order (so several bad fields give the first one's Reason). A peer decodes
 * only once it has decided to serve the message: a storage peer checks its role first,
 * and a RELEASE's signature comes before its fields.
 */
public final class PeerRequests {
    /** The most a chunk format may add to a chunk (ChunkFormats): far more than any does. */
    public static final int MAX_OVERHEAD = 4096;

    private PeerRequests() {
    }

    public static PeerRequest.SendChunk sendChunk(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        int chunk = Numbers.parseInt(m.field(1), rq);
        long size = Numbers.parseLong(m.field(2), rq);
        String checksum = Numbers.checksum(m.field(3), rq);
        String owner = Tokens.publicId(m.option("owner"), rq);
        int version = Numbers.intOption(m, "version");
        long fileSize = Numbers.option(m, "file_size");
        long chunkSize = Numbers.option(m, "chunk_size");
        int peers = Numbers.intOption(m, "peers");
        int replicas = Numbers.intOption(m, "replicas");
        int slot = Numbers.intOption(m, "slot");
        long expires = Numbers.option(m, "expires");
        // Absent: chunks stored as the file's bytes, as before chunks were sealed.
        int overhead = m.option("overhead") == null ? 0 : Numbers.intOption(m, "overhead");
        if (overhead > MAX_OVERHEAD) {
            throw new MalformedMessageException(rq, Reason.BAD_NUMBER, "overhead=" + overhead + " is not a format's");
        }
        return new PeerRequest.SendChunk(file, chunk, size, checksum, owner, version, fileSize, chunkSize, peers,
                replicas, overhead, slot, expires, m.option("ticket"));
    }

    public static PeerRequest.RepairChunk repairChunk(Message m) throws MalformedMessageException {
        String rq = m.rq();
        return new PeerRequest.RepairChunk(FileName.decode(m.field(0), rq), Numbers.parseInt(m.field(1), rq),
                Numbers.parseLong(m.field(2), rq), Numbers.checksum(m.field(3), rq),
                Tokens.publicId(m.option("owner"), rq), Numbers.intOption(m, "version"),
                Numbers.option(m, "file_size"), Numbers.option(m, "chunk_size"), Numbers.option(m, "expires"),
                m.option("ticket"));
    }

    public static PeerRequest.Replicate replicate(Message m) throws MalformedMessageException {
        String rq = m.rq();
        String target = m.option("target");
        int colon = target == null ? -1 : target.lastIndexOf(':');
        if (colon <= 0) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "target is ip:tcp_port");
        }
        String ip = Fields.ipLiteral(target.substring(0, colon), rq);
        int port = Fields.port(target.substring(colon + 1), rq);
        return new PeerRequest.Replicate(FileName.decode(m.field(0), rq), Numbers.parseInt(m.field(1), rq),
                PeerNames.check(m.field(2), rq), Tokens.publicId(m.option("owner"), rq),
                Numbers.intOption(m, "version"), Numbers.option(m, "size"), Numbers.checksum(m.option("checksum"), rq),
                Numbers.option(m, "file_size"), Numbers.option(m, "chunk_size"), ip, port,
                Numbers.option(m, "expires"), m.option("ticket"), Tokens.clusterId(m.option("cluster"), rq));
    }

    public static PeerRequest.GetChunk getChunk(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        int chunk = Numbers.parseInt(m.field(1), rq);
        String owner = Tokens.publicId(m.option("owner"), rq);
        int version = Numbers.intOption(m, "version");
        long expires = Numbers.option(m, "expires");
        return new PeerRequest.GetChunk(file, chunk, owner, version, expires, m.option("ticket"));
    }

    public static PeerRequest.Release release(Message m) throws MalformedMessageException {
        String rq = m.rq();
        FileName file = FileName.decode(m.field(0), rq);
        String owner = Tokens.publicId(m.option("owner"), rq);
        int version = Numbers.intOption(m, "version");
        long expires = Numbers.option(m, "expires");
        return new PeerRequest.Release(file, owner, version, expires, Tokens.clusterId(m.option("cluster"), rq));
    }

    public static PeerRequest.Adopt adopt(Message m) throws MalformedMessageException {
        String rq = m.rq();
        return new PeerRequest.Adopt(FileName.decode(m.field(0), rq), Numbers.parseInt(m.field(1), rq),
                Tokens.publicId(m.option("owner"), rq), Numbers.intOption(m, "version"), Numbers.option(m, "size"),
                Numbers.checksum(m.option("checksum"), rq), Numbers.option(m, "file_size"),
                Numbers.intOption(m, "chunk_count"), Numbers.option(m, "expires"),
                Tokens.clusterId(m.option("cluster"), rq));
    }

    public static PeerRequest.ReleaseCopy releaseCopy(Message m) throws MalformedMessageException {
        String rq = m.rq();
        return new PeerRequest.ReleaseCopy(FileName.decode(m.field(0), rq), Numbers.parseInt(m.field(1), rq),
                Tokens.publicId(m.option("owner"), rq), Numbers.intOption(m, "version"), Numbers.option(m, "expires"),
                Tokens.clusterId(m.option("cluster"), rq));
    }

    public static PeerRequest.ReleaseOrphan releaseOrphan(Message m) throws MalformedMessageException {
        String rq = m.rq();
        return new PeerRequest.ReleaseOrphan(Numbers.checksum(m.field(0), rq), Numbers.option(m, "before"),
                Numbers.option(m, "expires"), Tokens.clusterId(m.option("cluster"), rq));
    }
}
