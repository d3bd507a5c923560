package p2pbrs.peer;

import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;

/**
 * The SEND_CHUNK of one chunk outside its plan's placement rule ({@code repair=1}), allowed
 * by a repair ticket the server made for the receiving peer: a holder copying a chunk in a
 * repair sends it so, and an owner sending a chunk to a substitute for a failed peer.
 */
final class RepairHeader {
    private RepairHeader() {
    }

    static Message of(String rq, String wireName, int idx, long size, String checksum, String owner, int version,
                      long fileSize, long chunkSize, long expires, String ticket) {
        return Message.of(Command.SEND_CHUNK, rq, wireName, Integer.toString(idx), Long.toString(size), checksum)
                .withOption("owner", owner)
                .withOption("version", Integer.toString(version))
                .withOption("file_size", Long.toString(fileSize))
                .withOption("chunk_size", Long.toString(chunkSize))
                .withOption("expires", Long.toString(expires))
                .withOption("ticket", ticket)
                .withOption("repair", "1");
    }
}
