package p2pbrs.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * The format of one encrypted chunk (version 1), and sealing/opening it. Not thread-safe:
 * one per thread, kept for as many chunks as the thread handles, because it holds the Mac
 * and the Ciphers that would otherwise be looked up for every chunk.
 *
 * <p>Layout: {@code [0x01][mac: 32][AES-256-GCM ciphertext][tag: 16]}. The MAC is
 * HMAC-SHA256(sivKey, plaintext) and its first 12 bytes are the GCM nonce (synthetic IV):
 * one owner's identical chunks seal to identical bytes (so they can later be stored once),
 * while a nonce repeats only where the plaintext does. The 33 header bytes are the GCM AAD,
 * so the tag covers every byte of a sealed chunk.
 */
public final class ChunkSeal {
    public static final int FORMAT = 1;
    static final int MAC_LENGTH = 32;
    static final int HEADER = 1 + MAC_LENGTH;
    public static final int OVERHEAD = HEADER + Jce.GCM_TAG;
    /** Bytes before the ciphertext (format byte and MAC), and after it (the tag): for reading a chunk as it arrives. */
    public static final int HEADER_BYTES = HEADER;
    public static final int TAG_BYTES = Jce.GCM_TAG;
    /**
     * Plaintext goes to the cipher in slices of this size (a multiple of the AES block).
     * JDK 17's GCM reaches its AES-CTR and GHASH intrinsics only once the methods that call
     * them are compiled, which takes thousands of calls. With one call per chunk, sealing
     * 8 MiB chunks stays at tens of MB/s for gigabytes; in slices it is at full speed
     * after a few chunks (with 16 KiB slices six or seven of them; smaller slices, as
     * opening measured, get there sooner at the same speed). Opening has its own slices, see
     * GcmDecrypter.
     */
    static final int SLICE = 1024;

    private final Mac siv;
    private final RepeatableGcm sealer;
    private final GcmDecrypter opener;

    public ChunkSeal(DataKey key) {
        Objects.requireNonNull(key, "key");
        this.siv = Jce.hmac(key.sivKey());
        this.sealer = new RepeatableGcm(key.encryptionKey());
        this.opener = new GcmDecrypter(key.encryptionKey());
    }

    /**
     * Seals plain[off, off+len) into out[outOff...]; returns bytes written (len + OVERHEAD).
     * The two ranges must not overlap: the header is written before the plaintext is encrypted.
     */
    public int seal(byte[] plain, int off, int len, byte[] out, int outOff) {
        Objects.checkFromIndexSize(off, len, plain.length);
        Objects.checkFromIndexSize(outOff, len + OVERHEAD, out.length);
        return sealInto(plain, off, len, out, outOff);
    }

    /**
     * Seals, in place, the len bytes of plaintext at buf[off + HEADER_BYTES...]: the sealed
     * chunk then fills buf[off, off + len + OVERHEAD). Saves a chunk-sized buffer and a copy
     * of every byte: the header goes before the plaintext, each slice is encrypted where it
     * lies, the tag after it. Returns len + OVERHEAD.
     */
    public int sealInPlace(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len + OVERHEAD, buf.length);
        return sealInto(buf, off + HEADER, len, buf, off);
    }

    // Ranges checked; the plaintext either apart from the output or exactly where its ciphertext goes.
    private int sealInto(byte[] plain, int off, int len, byte[] out, int outOff) {
        try {
            siv.update(plain, off, len);
            out[outOff] = FORMAT;
            siv.doFinal(out, outOff + 1);
            Cipher gcm = sealer.encrypting(out, outOff + 1);
            gcm.updateAAD(out, outOff, HEADER);
            int written = outOff + HEADER;
            int end = off + len;
            int at = off;
            for (; end - at > SLICE; at += SLICE) {
                written += gcm.update(plain, at, SLICE, out, written);
            }
            written += gcm.doFinal(plain, at, end - at, out, written);
            return written - outOff;
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the output range was checked to fit", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM with a 256-bit key and a 12-byte nonce is always available", e);
        }
    }

    /**
     * Opens sealed[off, off+len) into out[outOff...]; returns the plaintext length. On failure
     * the output range is zeroed, so no byte of a chunk that failed its tag can pass for data.
     * The two ranges may overlap (e.g. opening in place).
     */
    public int open(byte[] sealed, int off, int len, byte[] out, int outOff) throws BadChunkException {
        Objects.checkFromIndexSize(off, len, sealed.length);
        if (len < OVERHEAD) {
            throw new BadChunkException("a sealed chunk is at least " + OVERHEAD + " bytes, this one is " + len);
        }
        if (sealed[off] != FORMAT) {
            throw new BadChunkException("a sealed chunk of format " + (sealed[off] & 0xff)
                    + ", and this version reads only format " + FORMAT);
        }
        int plainLength = len - OVERHEAD;
        Objects.checkFromIndexSize(outOff, plainLength, out.length);
        byte[] chunk = sealed;
        int at = off;
        if (sealed == out && outOff < off + len && off < outOff + plainLength) {
            // The opener writes plaintext while it still reads the chunk, slice by slice, so an
            // output range over the chunk would overwrite bytes not yet read: it reads a copy.
            chunk = Arrays.copyOfRange(sealed, off, off + len);
            at = 0;
        }
        try {
            return opener.decrypt(chunk, at + 1, chunk, at, HEADER, chunk, at + HEADER, len - HEADER, out, outOff);
        } catch (AEADBadTagException e) {
            throw new BadChunkException("the chunk fails its check: it was damaged, or sealed with another key", e);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the output range was checked to fit", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM and AES-CTR with a 256-bit key and a 12-byte nonce are always available", e);
        }
    }

    /** The 32-byte MAC in a sealed chunk's header (a copy), e.g. for DataKey.fileChecksum. No check. */
    public static byte[] mac(byte[] sealed, int off) {
        return Arrays.copyOfRange(sealed, off + 1, off + HEADER);
    }
}
