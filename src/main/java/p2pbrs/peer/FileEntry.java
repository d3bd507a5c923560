package p2pbrs.peer;

import java.time.Instant;
import p2pbrs.protocol.FileNames;
import p2pbrs.protocol.MalformedMessageException;
import p2pbrs.protocol.Numbers;
import p2pbrs.protocol.Reason;
import p2pbrs.protocol.VersionHealth;

/**
 * One complete backup, as FILES_OK lists it:
 * {@code File_Name:Version:Size:Completed_Epoch:Chunks:Health}. The health is null when
 * the server does not give it (an entry that ends at Chunks).
 */
public record FileEntry(String name, int version, long size, Instant completedAt, int chunks, VersionHealth health) {

    static FileEntry parse(String text, String rq) throws MalformedMessageException {
        String[] parts = text.split(":", -1);
        if (parts.length != 5 && parts.length != 6) {
            throw new MalformedMessageException(rq, Reason.BAD_LIST, "bad file entry: " + text);
        }
        return new FileEntry(FileNames.decode(parts[0], rq), Numbers.parseInt(parts[1], rq),
                Numbers.parseLong(parts[2], rq), Instant.ofEpochSecond(Numbers.parseLong(parts[3], rq)),
                Numbers.parseInt(parts[4], rq), parts.length == 6 ? VersionHealth.parse(parts[5], rq) : null);
    }
}
