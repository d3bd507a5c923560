package p2pbrs.server;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import p2pbrs.protocol.Sha256;

/**
 * Peer tokens: 256 random bits in hex. The server keeps only their SHA-256, so a copy of
 * its database does not let anyone act as a peer.
 */
final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32,128}");

    private Tokens() {
    }

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether the text could be a token at all (anything else is simply a wrong token). */
    static boolean wellFormed(String token) {
        return token != null && FORMAT.matcher(token).matches();
    }

    static String hash(String token) {
        return Sha256.hex(token);
    }
}
