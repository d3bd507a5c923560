package p2pbrs.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM decryption (12-byte nonce, 16-byte tag) that runs at full speed from the first
 * chunks of a process. Not thread-safe: one per thread, like the ChunkSeal that holds it.
 *
 * <p>Why not the JDK's GCM decryption: JDK 17 holds a decryption back until it has checked
 * the tag, then decrypts the whole input in one call, and its AES-CTR intrinsic is reached
 * only once the code making that call is compiled, which one call per chunk does not bring
 * about. A process that only opens chunks (an owner restoring) stayed near 70 MB/s on 8 MiB
 * chunks for as long as it was measured (gigabytes); feeding the JDK's decryption in slices
 * does not help, it keeps them until the last.
 *
 * <p>How, instead: the ciphertext is decrypted with AES-CTR starting from the counter block
 * GCM uses for it, inc32(J0) = nonce || 00000002. The plaintext so recovered is then
 * encrypted with AES-GCM again (same key, nonce and additional data): the same key stream
 * gives back the ciphertext received, so the tag that comes out is the one that ciphertext
 * must carry, and the tag received is compared with it in constant time. Both Ciphers get the
 * data in slices, each slice decrypted and at once re-encrypted while it is in the cache.
 * The check is the JDK's check, but the plaintext is written before it is made, so on any
 * failure the output range is zeroed before the exception leaves.
 *
 * <p>JDK AES-CTR counts with all 128 bits of the counter block, GCM with its last 32 only;
 * they agree while those 32 bits do not wrap, and a Java array holds fewer than 2^27 blocks.
 */
final class GcmDecrypter {
    /**
     * Bytes per slice. The intrinsics of both Ciphers are reached once the methods that call
     * them are compiled, which takes thousands of calls: at 1 KiB an 8 MiB chunk makes 8192
     * calls of each and the second or third chunk of a process opens at full speed; at 16 KiB
     * (as sealing slices) it took six or seven chunks. Once compiled, slices from 1 KiB to
     * 16 KiB ran alike; below 1 KiB the calls themselves began to cost.
     */
    static final int SLICE = 1024;
    private static final int COUNTER_BLOCK = 16;

    private final SecretKeySpec key;
    private final Cipher ctr = Jce.ctr();
    private final RepeatableGcm tagger;
    private final byte[] counter = new byte[COUNTER_BLOCK];
    /** The re-encrypted ciphertext of one slice (thrown away) and, after the last, its tag. */
    private final byte[] scratch = new byte[SLICE + 2 * Jce.GCM_TAG];
    private final byte[] receivedTag = new byte[Jce.GCM_TAG];
    private final byte[] computedTag = new byte[Jce.GCM_TAG];
    // The tag's Cipher of the decryption under way.
    private Cipher gcm;

    GcmDecrypter(SecretKeySpec key) {
        this.key = Objects.requireNonNull(key, "key");
        this.tagger = new RepeatableGcm(key);
    }

    /**
     * Starts a decryption with the nonce at nonce[nonceOff, nonceOff+12) and the additional
     * data aad[aadOff, aadOff+aadLen): then {@link #decryptPiece} for the ciphertext, in
     * pieces of any size, and {@link #tagMatches} with the tag received.
     */
    void start(byte[] nonce, int nonceOff, byte[] aad, int aadOff, int aadLen) throws GeneralSecurityException {
        System.arraycopy(nonce, nonceOff, counter, 0, Jce.GCM_NONCE);
        Arrays.fill(counter, Jce.GCM_NONCE, COUNTER_BLOCK - 1, (byte) 0);
        counter[COUNTER_BLOCK - 1] = 2;
        ctr.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counter));
        gcm = tagger.encrypting(nonce, nonceOff);
        gcm.updateAAD(aad, aadOff, aadLen);
    }

    /** Decrypts the next len bytes of ciphertext into out[outOff, outOff+len), unchecked until the tag is. */
    void decryptPiece(byte[] in, int inOff, int len, byte[] out, int outOff) throws GeneralSecurityException {
        // In slices, each decrypted and at once encrypted again while in the cache.
        for (int at = 0; at < len; at += SLICE) {
            int n = Math.min(SLICE, len - at);
            ctr.update(in, inOff + at, n, out, outOff + at);
            gcm.update(out, outOff + at, n, scratch, 0);
        }
    }

    /** Ends the decryption: whether the 16-byte tag at tag[off...] is the ciphertext's, in constant time. */
    boolean tagMatches(byte[] tag, int off) throws GeneralSecurityException {
        int n = gcm.doFinal(scratch, 0);
        System.arraycopy(scratch, n - Jce.GCM_TAG, computedTag, 0, Jce.GCM_TAG);
        return MessageDigest.isEqual(computedTag, Arrays.copyOfRange(tag, off, off + Jce.GCM_TAG));
    }

    /**
     * Decrypts in[inOff, inOff+inLen), the ciphertext followed by its 16-byte tag, into
     * out[outOff...], with the nonce at nonce[nonceOff, nonceOff+12) and the additional data
     * aad[aadOff, aadOff+aadLen); returns the plaintext length, inLen - 16. Like the JDK's GCM:
     * AEADBadTagException when the tag does not verify, and then the output range is all
     * zeros. The output range must not overlap the input, the nonce or the additional data.
     */
    int decrypt(byte[] nonce, int nonceOff, byte[] aad, int aadOff, int aadLen,
            byte[] in, int inOff, int inLen, byte[] out, int outOff) throws GeneralSecurityException {
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        int length = inLen - Jce.GCM_TAG;
        if (length < 0) {
            throw new AEADBadTagException("the input is shorter than a tag");
        }
        Objects.checkFromIndexSize(outOff, length, out.length);
        System.arraycopy(in, inOff + length, receivedTag, 0, Jce.GCM_TAG);
        start(nonce, nonceOff, aad, aadOff, aadLen);
        boolean verified = false;
        try {
            decryptPiece(in, inOff, length, out, outOff);
            verified = tagMatches(receivedTag, 0);
        } finally {
            if (!verified) {
                Arrays.fill(out, outOff, outOff + length, (byte) 0);
            }
        }
        if (!verified) {
            throw new AEADBadTagException("the tag does not verify");
        }
        return length;
    }
}
