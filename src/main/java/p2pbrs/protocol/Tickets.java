package p2pbrs.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Tickets let a storage peer accept only chunks the server planned for it, and hand
 * chunks only to their owner, without asking the server per chunk. A ticket is an
 * HMAC-SHA256 (first 128 bits, hex) over what it allows and until when, keyed with a
 * secret the server shares with that storage peer: HMAC-SHA256(token, "p2pbrs ticket key").
 * The server derives the key when the peer registers with its token and keeps it sealed
 * beside the token hash; the peer derives it from its token. A ticket names its owner by
 * public id, never by name. docs/protocol.md, "Tickets".
 */
public final class Tickets {
    /**
     * How long past its expiry a storage peer still honours a signed ticket or request: the
     * allowance for clocks that differ between machines.
     */
    public static final long GRACE_SECONDS = 300;

    private static final String KEY_LABEL = "p2pbrs ticket key";
    private static final int TICKET_HEX = 32;

    private Tickets() {
    }

    /** The ticket key shared by the server and the peer holding this token. */
    public static String keyFor(String token) {
        return Hmac.hex(token.getBytes(StandardCharsets.UTF_8), KEY_LABEL);
    }

    /** Allows storing the chunks the placement gives to this slot of this backup. */
    public static String store(String keyHex, String owner, String fileWire, int version, Placement placement,
                               int slot, long expiresEpochSeconds) {
        return ticket(keyHex, "STORE|" + owner + "|" + fileWire + "|" + version + "|" + placement.fileSize() + "|"
                + placement.chunkSize() + "|" + placement.overhead() + "|" + placement.peers() + "|"
                + placement.replicas() + "|" + slot + "|" + expiresEpochSeconds);
    }

    /**
     * Allows one storage peer to take one chunk it was not planned for, copied to it by
     * another during a repair.
     */
    public static String repair(String keyHex, String owner, String fileWire, int version, int idx, long size,
                                String checksum, long fileSize, long chunkSize, long expiresEpochSeconds) {
        return ticket(keyHex, "REPAIR|" + owner + "|" + fileWire + "|" + version + "|" + idx + "|" + size + "|"
                + checksum + "|" + fileSize + "|" + chunkSize + "|" + expiresEpochSeconds);
    }

    /** Allows the owner to fetch the chunks of one version of its file. */
    public static String fetch(String keyHex, String owner, String fileWire, int version, long expiresEpochSeconds) {
        return ticket(keyHex, "FETCH|" + owner + "|" + fileWire + "|" + version + "|" + expiresEpochSeconds);
    }

    /** Constant-time comparison, so a forger learns nothing from timing. */
    public static boolean same(String expected, String given) {
        return Hmac.same(expected, given);
    }

    private static String ticket(String keyHex, String text) {
        return Hmac.hex(HexFormat.of().parseHex(keyHex), text).substring(0, TICKET_HEX);
    }
}
