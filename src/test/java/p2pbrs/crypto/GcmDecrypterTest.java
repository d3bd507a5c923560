package p2pbrs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GcmDecrypter (AES-CTR decryption, then the tag recomputed by GCM-encrypting the plaintext)
 * against the JDK's own AES-GCM decryption: the same plaintext for every valid input, a refusal
 * for every damaged one, on random keys, nonces, additional data and sizes around the slices.
 */
class GcmDecrypterTest {
    private static final int IN_OFFSET = 5;
    private static final int OUT_OFFSET = 11;
    private static final byte OUTSIDE = 0x5a;

    private final Random random = new Random(4242);

    /** A random AES-256-GCM case made with the JDK: key, nonce, additional data, ciphertext || tag. */
    private final class Case {
        final SecretKeySpec key = Jce.aesKey(bytes(32));
        final byte[] nonce = bytes(Jce.GCM_NONCE);
        final byte[] aad = bytes(random.nextInt(70));
        final byte[] plain;
        final byte[] sealed;

        Case(int size) throws Exception {
            plain = bytes(size);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad);
            sealed = gcm.doFinal(plain);
        }

        /** The JDK's decryption of body (ciphertext || tag). */
        byte[] jdkDecrypt(byte[] body) throws Exception {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad);
            return gcm.doFinal(body);
        }

        /**
         * GcmDecrypter's decryption of body, read from an offset in a larger array into an
         * offset of another whose bytes outside the range must stay as they were; null when it
         * refuses, after checking that the output range was zeroed.
         */
        byte[] decrypt(GcmDecrypter decrypter, byte[] body) throws Exception {
            byte[] in = new byte[IN_OFFSET + body.length + 3];
            System.arraycopy(body, 0, in, IN_OFFSET, body.length);
            int length = body.length - Jce.GCM_TAG;
            byte[] out = new byte[OUT_OFFSET + length + 7];
            Arrays.fill(out, OUTSIDE);
            byte[] result;
            try {
                assertEquals(length, decrypter.decrypt(nonce, 0, aad, 0, aad.length, in, IN_OFFSET, body.length, out, OUT_OFFSET));
                result = Arrays.copyOfRange(out, OUT_OFFSET, OUT_OFFSET + length);
            } catch (AEADBadTagException e) {
                assertArrayEquals(new byte[length], Arrays.copyOfRange(out, OUT_OFFSET, OUT_OFFSET + length),
                        "a refused input leaves zeros in the output range");
                result = null;
            }
            for (int i = 0; i < OUT_OFFSET; i++) {
                assertEquals(OUTSIDE, out[i], "byte " + i + " before the output range");
            }
            for (int i = OUT_OFFSET + length; i < out.length; i++) {
                assertEquals(OUTSIDE, out[i], "byte " + i + " after the output range");
            }
            return result;
        }
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, GcmDecrypter.SLICE - 1, GcmDecrypter.SLICE, GcmDecrypter.SLICE + 1,
        2 * GcmDecrypter.SLICE, 16383, 16384, 16385, 1024 * 1024 + 3})
    void agreesWithTheJdkOnValidAndDamagedInputs(int size) throws Exception {
        int cases = size > 100_000 ? 2 : 8;
        for (int n = 0; n < cases; n++) {
            Case c = new Case(size);
            GcmDecrypter decrypter = new GcmDecrypter(c.key);
            assertArrayEquals(c.plain, c.jdkDecrypt(c.sealed), "the JDK opens what it sealed");
            assertArrayEquals(c.plain, c.decrypt(decrypter, c.sealed), "and so does GcmDecrypter");

            byte[] flipped = c.sealed.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
            assertThrows(AEADBadTagException.class, () -> c.jdkDecrypt(flipped));
            assertNull(c.decrypt(decrypter, flipped), "a flipped bit of ciphertext or tag");

            byte[] noise = bytes(c.sealed.length);
            assertThrows(AEADBadTagException.class, () -> c.jdkDecrypt(noise));
            assertNull(c.decrypt(decrypter, noise), "random bytes");

            assertArrayEquals(c.plain, c.decrypt(decrypter, c.sealed), "refusals leave the decrypter usable");
        }
    }

    @Test
    void anotherNonceAdditionalDataOrKeyIsRefused() throws Exception {
        Case c = new Case(3 * GcmDecrypter.SLICE + 9);
        c.nonce[7] ^= 4;
        assertNull(c.decrypt(new GcmDecrypter(c.key), c.sealed), "another nonce");
        c.nonce[7] ^= 4;
        if (c.aad.length > 0) {
            c.aad[c.aad.length - 1] ^= 1;
            assertNull(c.decrypt(new GcmDecrypter(c.key), c.sealed), "other additional data");
            c.aad[c.aad.length - 1] ^= 1;
        }
        assertNull(c.decrypt(new GcmDecrypter(Jce.aesKey(bytes(32))), c.sealed), "another key");
        assertArrayEquals(c.plain, c.decrypt(new GcmDecrypter(c.key), c.sealed));
    }

    @Test
    void theSameInputTwiceInARowDecryptsBothTimes() throws Exception {
        // The tag is recomputed by encrypting under the same nonce again, which the JDK
        // refuses twice in a row on one Cipher unless it is set up with another in between.
        Case c = new Case(5000);
        GcmDecrypter decrypter = new GcmDecrypter(c.key);
        assertArrayEquals(c.plain, c.decrypt(decrypter, c.sealed));
        assertArrayEquals(c.plain, c.decrypt(decrypter, c.sealed));
        assertArrayEquals(c.plain, c.decrypt(decrypter, c.sealed));
    }

    @Test
    void anInputShorterThanATagIsRefused() {
        GcmDecrypter decrypter = new GcmDecrypter(Jce.aesKey(bytes(32)));
        byte[] in = bytes(Jce.GCM_TAG - 1);
        assertThrows(AEADBadTagException.class,
                () -> decrypter.decrypt(new byte[12], 0, in, 0, 0, in, 0, in.length, new byte[0], 0));
    }
}
