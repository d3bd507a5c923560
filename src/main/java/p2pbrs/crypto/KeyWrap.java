package p2pbrs.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The data key sealed for the owner's database: AES-256-GCM under the recovery key's wrapping
 * key, random 12-byte nonce, AAD "p2pbrs-data-key-v1". Lowercase hex of nonce || ciphertext
 * || tag (60 bytes, 120 digits). Done once per start, so it makes its Cipher each time.
 */
public final class KeyWrap {
    private static final byte[] AAD = "p2pbrs-data-key-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int WRAPPED = Jce.GCM_NONCE + DataKey.LENGTH + Jce.GCM_TAG;
    private static final String DOES_NOT_OPEN = "the stored data key does not open with this recovery key";
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyWrap() {
    }

    /** Lowercase hex of nonce || ciphertext || tag. */
    public static String wrap(byte[] wrappingKey, DataKey key) {
        byte[] nonce = new byte[Jce.GCM_NONCE];
        RANDOM.nextBytes(nonce);
        byte[] out = Arrays.copyOf(nonce, WRAPPED);
        byte[] raw = key.raw();
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, wrappingKey, out);
            cipher.doFinal(raw, 0, raw.length, out, Jce.GCM_NONCE);
            return HexFormat.of().formatHex(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM with a 256-bit key is always available", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The data key in {@code wrapped}; IllegalArgumentException on any failure (tamper, wrong key, bad hex). */
    public static DataKey unwrap(byte[] wrappingKey, String wrapped) {
        byte[] in;
        try {
            in = HexFormat.of().parseHex(wrapped);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(DOES_NOT_OPEN, e);
        }
        if (in.length != WRAPPED || !isLowercase(wrapped)) {
            throw new IllegalArgumentException(DOES_NOT_OPEN);
        }
        byte[] raw = new byte[DataKey.LENGTH];
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, wrappingKey, in);
            cipher.doFinal(in, Jce.GCM_NONCE, in.length - Jce.GCM_NONCE, raw, 0);
            return DataKey.of(raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(DOES_NOT_OPEN, e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A GCM cipher set up with the wrapping key and the nonce at the start of {@code nonce}. */
    private static Cipher cipher(int mode, byte[] wrappingKey, byte[] nonce) throws GeneralSecurityException {
        if (wrappingKey == null || wrappingKey.length != DataKey.LENGTH) {
            throw new IllegalArgumentException("a wrapping key is " + DataKey.LENGTH + " bytes");
        }
        Cipher cipher = Jce.gcm();
        cipher.init(mode, Jce.aesKey(wrappingKey), new GCMParameterSpec(Jce.GCM_TAG_BITS, nonce, 0, Jce.GCM_NONCE));
        cipher.updateAAD(AAD);
        return cipher;
    }

    /** The stored form has one spelling; HexFormat alone would also read upper case. */
    private static boolean isLowercase(String hex) {
        return hex.chars().noneMatch(c -> c >= 'A' && c <= 'F');
    }
}
