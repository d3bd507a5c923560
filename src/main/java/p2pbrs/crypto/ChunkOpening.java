package p2pbrs.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * Opens one sealed chunk (docs/protocol.md, "Chunk format") as its bytes arrive, so that a
 * restore decrypts while it receives and writes, holding no more than the piece in hand:
 * {@link #begin} with the 33-byte header, {@link #update} with the ciphertext in pieces of
 * any size, {@link #finish} with the 16-byte tag. The plaintext {@code update} gives out is
 * unchecked until {@code finish} says the tag verifies: whatever it was written to must not
 * be used otherwise. The same check as {@link ChunkSeal#open} (AES-CTR from the GCM counter
 * block, the tag recomputed by encrypting the plaintext again: see GcmDecrypter). Not
 * thread-safe; one per thread, reused chunk after chunk.
 */
public final class ChunkOpening {
    private static final int COUNTER_BLOCK = 16;

    private final DataKey key;
    private final Cipher ctr = Jce.ctr();
    private final RepeatableGcm tagger;
    private final byte[] counter = new byte[COUNTER_BLOCK];
    private final byte[] header = new byte[ChunkSeal.HEADER];
    private final byte[] computedTag = new byte[Jce.GCM_TAG];
    private final byte[] scratch = new byte[GcmDecrypter.SLICE + 2 * Jce.GCM_TAG];
    private Cipher gcm;

    public ChunkOpening(DataKey key) {
        this.key = Objects.requireNonNull(key, "key");
        this.tagger = new RepeatableGcm(key.encryptionKey());
    }

    /** Starts a chunk with its header: the format byte, then the MAC whose first 12 bytes are the nonce. */
    public void begin(byte[] in, int off) throws BadChunkException {
        Objects.checkFromIndexSize(off, ChunkSeal.HEADER, in.length);
        if (in[off] != ChunkSeal.FORMAT) {
            throw new BadChunkException("not a sealed chunk of format " + ChunkSeal.FORMAT + " (format byte "
                    + (in[off] & 0xff) + ")");
        }
        System.arraycopy(in, off, header, 0, ChunkSeal.HEADER);
        System.arraycopy(header, 1, counter, 0, Jce.GCM_NONCE);
        Arrays.fill(counter, Jce.GCM_NONCE, COUNTER_BLOCK - 1, (byte) 0);
        counter[COUNTER_BLOCK - 1] = 2;
        try {
            ctr.init(Cipher.DECRYPT_MODE, key.encryptionKey(), new IvParameterSpec(counter));
            gcm = tagger.encrypting(header, 1);
            gcm.updateAAD(header, 0, ChunkSeal.HEADER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-CTR and AES-GCM", e);
        }
    }

    /** Decrypts the next len bytes of ciphertext into out[outOff, outOff+len). */
    public void update(byte[] in, int off, int len, byte[] out, int outOff) {
        if (gcm == null) {
            throw new IllegalStateException("begin() first");
        }
        Objects.checkFromIndexSize(off, len, in.length);
        Objects.checkFromIndexSize(outOff, len, out.length);
        try {
            // In slices, each decrypted and at once encrypted again while in the cache, and
            // short enough that both Ciphers' fast paths come early in a process.
            for (int at = 0; at < len; at += GcmDecrypter.SLICE) {
                int n = Math.min(GcmDecrypter.SLICE, len - at);
                ctr.update(in, off + at, n, out, outOff + at);
                gcm.update(out, outOff + at, n, scratch, 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR or AES-GCM failed on a buffer of the right size", e);
        }
    }

    /** Ends the chunk with its tag (16 bytes): whether everything update gave out is what was sealed. */
    public boolean finish(byte[] tag, int off) {
        if (gcm == null) {
            throw new IllegalStateException("begin() first");
        }
        Objects.checkFromIndexSize(off, Jce.GCM_TAG, tag.length);
        try {
            int n = gcm.doFinal(scratch, 0);
            System.arraycopy(scratch, n - Jce.GCM_TAG, computedTag, 0, Jce.GCM_TAG);
            return MessageDigest.isEqual(computedTag, Arrays.copyOfRange(tag, off, off + Jce.GCM_TAG));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to end", e);
        } finally {
            gcm = null;
        }
    }

    /** The MAC from the header of the chunk begun last (a copy), for the file's keyed checksum. */
    public byte[] mac() {
        return Arrays.copyOfRange(header, 1, ChunkSeal.HEADER);
    }
}
