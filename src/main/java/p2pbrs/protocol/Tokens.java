package p2pbrs.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Peer tokens and public ids. A token is 256 random bits in hex that a peer makes itself
 * at its first registration: it is the identity's only key, and no reply ever carries it.
 * The server keeps only its SHA-256 (and ticket keys sealed with a key kept outside its
 * database), so a copy of the server's database does not let anyone act as a peer.
 * A public id names an identity where others must see it (tickets, storage peers' chunk
 * indexes): random, and not derived from any secret.
 */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{64,128}");
    private static final Pattern PUBLIC_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern INVITE = Pattern.compile("[0-9a-f]{32}");

    private Tokens() {
    }

    /** A new token: 256 bits from a SecureRandom, lowercase hex. */
    public static String generate() {
        return randomHex(32);
    }

    /** A new public id: 128 random bits, lowercase hex. */
    public static String newPublicId() {
        return randomHex(16);
    }

    /** Whether the text could be a token at all (anything else is simply a wrong token). */
    public static boolean wellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    /** A cluster's id as a message carries it ({@code cluster=}): 32 lowercase hex digits. */
    public static String clusterId(String text, String rq) throws MalformedMessageException {
        if (text == null || !PUBLIC_ID.matcher(text).matches()) {
            throw new MalformedMessageException(rq, Reason.BAD_OPTION, "a cluster id is 32 hex digits");
        }
        return text;
    }

    /** A new invitation code: 128 random bits, lowercase hex. */
    public static String newInvite() {
        return randomHex(16);
    }

    /** Whether the text could be an invitation code (anything else is an unknown one). */
    public static boolean wellFormedInvite(String code) {
        return code != null && INVITE.matcher(code).matches();
    }

    /** SHA-256 of a token or an invitation code: all the server keeps of either. */
    public static String hash(String token) {
        return Sha256.hex(token);
    }

    /** An owner's public id as a message carries it ({@code owner=}). */
    public static String publicId(String text, String rq) throws MalformedMessageException {
        if (text == null || !PUBLIC_ID.matcher(text).matches()) {
            throw new MalformedMessageException(rq, Reason.BAD_OWNER, "an owner is a public id of 32 hex digits");
        }
        return text;
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
