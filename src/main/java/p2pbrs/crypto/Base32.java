package p2pbrs.crypto;

/**
 * RFC 4648 base32 in lowercase, without padding: letters and the digits 2 to 7 only, so a
 * recovery key is one word a person can copy, read aloud, or type, whatever the case.
 */
final class Base32 {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private Base32() {
    }

    static String encode(byte[] bytes) {
        StringBuilder text = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                text.append(ALPHABET[(buffer >>> bits) & 31]);
            }
        }
        if (bits > 0) {
            text.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return text.toString();
    }

    /** The value of one character (either case), or -1 for one outside the alphabet. */
    static int value(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '2' && c <= '7') {
            return c - '2' + 26;
        }
        return -1;
    }

    /**
     * The bytes of a text whose every character {@link #value} accepts, or null when the text
     * is not one that {@link #encode} writes: a length no byte count gives, or unused bits at
     * the end that are not zero. Either is a character typed wrong, not a different key.
     */
    static byte[] decode(CharSequence text) {
        int length = text.length();
        int byteCount = (int) ((long) length * 5 / 8);
        if ((byteCount * 8 + 4) / 5 != length) {
            return null;
        }
        byte[] bytes = new byte[byteCount];
        int buffer = 0;
        int bits = 0;
        int at = 0;
        for (int i = 0; i < length; i++) {
            buffer = (buffer << 5) | value(text.charAt(i));
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                bytes[at++] = (byte) (buffer >>> bits);
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            return null;
        }
        return bytes;
    }
}
