package p2pbrs.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

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
    private final GcmDecrypter decrypter;
    private final byte[] header = new byte[ChunkSeal.HEADER];
    private boolean begun;

    public ChunkOpening(DataKey key) {
        this.decrypter = new GcmDecrypter(Objects.requireNonNull(key, "key").encryptionKey());
    }

    /** Starts a chunk with its header: the format byte, then the MAC whose first 12 bytes are the nonce. */
    public void begin(byte[] in, int off) throws BadChunkException {
        Objects.checkFromIndexSize(off, ChunkSeal.HEADER, in.length);
        if (in[off] != ChunkSeal.FORMAT) {
            throw new BadChunkException("not a sealed chunk of format " + ChunkSeal.FORMAT + " (format byte "
                    + (in[off] & 0xff) + ")");
        }
        System.arraycopy(in, off, header, 0, ChunkSeal.HEADER);
        try {
            decrypter.start(header, 1, header, 0, ChunkSeal.HEADER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-CTR and AES-GCM", e);
        }
        begun = true;
    }

    /** Decrypts the next len bytes of ciphertext into out[outOff, outOff+len). */
    public void update(byte[] in, int off, int len, byte[] out, int outOff) {
        if (!begun) {
            throw new IllegalStateException("begin() first");
        }
        Objects.checkFromIndexSize(off, len, in.length);
        Objects.checkFromIndexSize(outOff, len, out.length);
        try {
            decrypter.decryptPiece(in, off, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR or AES-GCM failed on a buffer of the right size", e);
        }
    }

    /** Ends the chunk with its tag (16 bytes): whether everything update gave out is what was sealed. */
    public boolean finish(byte[] tag, int off) {
        if (!begun) {
            throw new IllegalStateException("begin() first");
        }
        Objects.checkFromIndexSize(off, ChunkSeal.TAG_BYTES, tag.length);
        try {
            return decrypter.tagMatches(tag, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to end", e);
        } finally {
            begun = false;
        }
    }

    /** The MAC from the header of the chunk begun last (a copy), for the file's keyed checksum. */
    public byte[] mac() {
        return Arrays.copyOfRange(header, 1, ChunkSeal.HEADER);
    }
}
