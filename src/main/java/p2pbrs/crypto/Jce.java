package p2pbrs.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The JDK algorithms the package uses, made once per object that keeps them, never per chunk. */
final class Jce {
    static final String HMAC = "HmacSHA256";
    static final String GCM = "AES/GCM/NoPadding";
    static final String CTR = "AES/CTR/NoPadding";
    static final int GCM_NONCE = 12;
    static final int GCM_TAG = 16;
    static final int GCM_TAG_BITS = GCM_TAG * 8;

    private Jce() {
    }

    static Mac hmac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has " + HMAC, e);
        }
    }

    static Cipher gcm() {
        return cipher(GCM);
    }

    static Cipher ctr() {
        return cipher(CTR);
    }

    private static Cipher cipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has " + transformation, e);
        }
    }

    static SecretKeySpec hmacKey(byte[] raw) {
        return new SecretKeySpec(raw, HMAC);
    }

    static SecretKeySpec aesKey(byte[] raw) {
        return new SecretKeySpec(raw, "AES");
    }
}
