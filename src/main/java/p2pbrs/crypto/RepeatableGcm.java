package p2pbrs.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-GCM Cipher for encrypting under one key, which may be set up with the nonce it was
 * set up with last. The JDK refuses that ("Cannot reuse iv for GCM encryption"), against a
 * repeated nonce; here the repeat is legitimate, because a nonce repeats only with its
 * plaintext: the same chunk sealed twice in a row (to the same bytes), or the tag of the same
 * chunk recomputed twice in a row. Only then is the Cipher first set up with another nonce
 * (never used to encrypt), which the JDK accepts; every other use costs one init.
 */
final class RepeatableGcm {
    private final SecretKeySpec key;
    private final Cipher cipher = Jce.gcm();
    /** The nonce the cipher was last set up with. */
    private final byte[] lastNonce = new byte[Jce.GCM_NONCE];
    private boolean usedBefore;

    RepeatableGcm(SecretKeySpec key) {
        this.key = key;
    }

    /** The Cipher, set up to encrypt with the nonce at nonce[at, at+12). */
    Cipher encrypting(byte[] nonce, int at) throws GeneralSecurityException {
        if (usedBefore && Arrays.equals(lastNonce, 0, Jce.GCM_NONCE, nonce, at, at + Jce.GCM_NONCE)) {
            byte[] other = lastNonce.clone();
            other[0] ^= 1;
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(Jce.GCM_TAG_BITS, other));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(Jce.GCM_TAG_BITS, nonce, at, Jce.GCM_NONCE));
        System.arraycopy(nonce, at, lastNonce, 0, Jce.GCM_NONCE);
        usedBefore = true;
        return cipher;
    }
}
