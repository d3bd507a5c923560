package p2pbrs.testing;

/** Searching bytes: what tests look for in files that must not hold a secret or plaintext. */
public final class Bytes {
    private Bytes() {
    }

    /** Whether needle occurs anywhere in haystack. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
