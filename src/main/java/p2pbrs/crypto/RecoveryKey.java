package p2pbrs.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import p2pbrs.protocol.Hmac;
import p2pbrs.protocol.Sha256;
import p2pbrs.protocol.Tokens;

/**
 * The recovery key: one word that brings back an identity (its token) and its data key.
 * A legacy key is a bare token (dataKey null): it brings back the identity, and with it only
 * what was stored before chunks were encrypted.
 *
 * <p>Written {@code rk1} and then lowercase base32 (RFC 4648, no padding) of
 * {@code [token length: 1][token: 32..64][data key: 32][check: 4]}, the check being the first
 * 4 bytes of SHA-256 of what comes before it, so a mistyped key is refused rather than taken
 * for another identity's.
 */
public record RecoveryKey(String token, DataKey dataKey) {
    private static final String PREFIX = "rk1";
    private static final int CHECK = 4;
    private static final int MIN_TOKEN_BYTES = 32;
    private static final int MAX_TOKEN_BYTES = 64;
    private static final int MIN_CHARACTERS = characters(MIN_TOKEN_BYTES);
    private static final int MAX_CHARACTERS = characters(MAX_TOKEN_BYTES);
    private static final String WRAP_LABEL = "p2pbrs-data-key-wrap-v1";

    public RecoveryKey {
        if (!Tokens.wellFormed(token)) {
            throw new IllegalArgumentException("a token is 64 to 128 lowercase hex digits");
        }
        if (dataKey != null && token.length() % 2 != 0) {
            // The encoded form carries the token as bytes: an odd digit would be lost.
            throw new IllegalArgumentException("a token that goes with a data key has an even number of hex digits");
        }
    }

    /** The one-word form: "rk1" and letters a-z and digits 2-7. */
    public String encode() {
        byte[] payload = payload();
        try {
            return PREFIX + Base32.encode(payload);
        } finally {
            Arrays.fill(payload, (byte) 0);
        }
    }

    /**
     * Accepts the one-word form (whitespace around trimmed, either case), or a legacy token
     * (64..128 lowercase hex digits) giving dataKey null. Refuses anything else with a message
     * a person can act on.
     */
    public static RecoveryKey parse(String text) {
        String word = text == null ? "" : text.strip();
        if (word.isEmpty()) {
            throw new IllegalArgumentException("not a recovery key: it is empty");
        }
        if (Tokens.wellFormed(word)) {
            return new RecoveryKey(word, null);
        }
        if (!word.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            if (word.length() > 2 && word.regionMatches(true, 0, "rk", 0, 2) && Character.isDigit(word.charAt(2))) {
                throw new IllegalArgumentException("not a recovery key this version reads: it starts with \""
                        + word.substring(0, 3) + "\", and this version reads keys starting with \"" + PREFIX + "\"");
            }
            throw new IllegalArgumentException("not a recovery key: one starts with \"" + PREFIX
                    + "\" (or is an identity's token, 64 to 128 hex digits)");
        }
        String body = word.substring(PREFIX.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (Base32.value(c) < 0) {
                throw new IllegalArgumentException(Character.isWhitespace(c)
                        ? "not a recovery key: it is one word, with no space or line break in it"
                        : "mistyped? '" + c + "' (character " + (PREFIX.length() + i + 1)
                                + ") is not in a recovery key, which has only letters and the digits 2 to 7");
            }
        }
        if (body.length() < MIN_CHARACTERS || body.length() > MAX_CHARACTERS) {
            throw new IllegalArgumentException("not a recovery key, or not all of one: it has "
                    + word.length() + " characters, and a recovery key has " + (PREFIX.length() + MIN_CHARACTERS)
                    + " to " + (PREFIX.length() + MAX_CHARACTERS));
        }
        byte[] payload = Base32.decode(body);
        try {
            if (payload == null || !checkMatches(payload)) {
                throw new IllegalArgumentException("mistyped? its check does not match");
            }
            int tokenBytes = payload[0] & 0xff;
            if (1 + tokenBytes + DataKey.LENGTH + CHECK != payload.length) {
                throw new IllegalArgumentException("not a recovery key: its parts do not add up");
            }
            String token = HexFormat.of().formatHex(payload, 1, 1 + tokenBytes);
            DataKey key = DataKey.of(Arrays.copyOfRange(payload, 1 + tokenBytes, 1 + tokenBytes + DataKey.LENGTH));
            return new RecoveryKey(token, key);
        } finally {
            if (payload != null) {
                Arrays.fill(payload, (byte) 0);
            }
        }
    }

    /**
     * The key that wraps the data key in the owner's database: HMAC-SHA256(token bytes || data
     * key raw, "p2pbrs-data-key-wrap-v1"), 32 bytes. Only the recovery key as a whole opens the
     * stored data key, so a copy of the owner's database alone reads no chunk.
     */
    public byte[] wrappingKey() {
        byte[] secret = secret();
        try {
            return Hmac.sha256(secret, WRAP_LABEL);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Never the token or the key: a recovery key must not reach a log by way of a message. */
    @Override
    public String toString() {
        return dataKey == null ? "RecoveryKey[hidden, token only]" : "RecoveryKey[hidden]";
    }

    /** token bytes || data key raw: what the encoded form and the wrapping key are made of. */
    private byte[] secret() {
        if (dataKey == null) {
            throw new IllegalStateException("a legacy recovery key (a token alone) has no data key");
        }
        byte[] token = HexFormat.of().parseHex(this.token);
        byte[] raw = dataKey.raw();
        byte[] secret = new byte[token.length + raw.length];
        System.arraycopy(token, 0, secret, 0, token.length);
        System.arraycopy(raw, 0, secret, token.length, raw.length);
        Arrays.fill(token, (byte) 0);
        Arrays.fill(raw, (byte) 0);
        return secret;
    }

    private byte[] payload() {
        byte[] secret = secret();
        byte[] payload = new byte[1 + secret.length + CHECK];
        payload[0] = (byte) (secret.length - DataKey.LENGTH);
        System.arraycopy(secret, 0, payload, 1, secret.length);
        Arrays.fill(secret, (byte) 0);
        System.arraycopy(check(payload, payload.length - CHECK), 0, payload, payload.length - CHECK, CHECK);
        return payload;
    }

    private static boolean checkMatches(byte[] payload) {
        int body = payload.length - CHECK;
        return MessageDigest.isEqual(Arrays.copyOf(check(payload, body), CHECK),
                Arrays.copyOfRange(payload, body, payload.length));
    }

    /** SHA-256 of payload[0, length): its first 4 bytes are the check. */
    private static byte[] check(byte[] payload, int length) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(payload, 0, length);
        return digest.digest();
    }

    private static int characters(int tokenBytes) {
        return ((1 + tokenBytes + DataKey.LENGTH + CHECK) * 8 + 4) / 5;
    }
}
