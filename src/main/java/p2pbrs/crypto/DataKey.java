package p2pbrs.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import p2pbrs.protocol.Hmac;

/**
 * An owner's 256-bit data key and the subkeys derived from it (HMAC-SHA256(dataKey, label)).
 * Each use has its own subkey, so the MAC that names a chunk, the key that encrypts it and
 * the key of whole-file checksums never meet in one primitive. Immutable, so one DataKey
 * serves every thread; what is not thread-safe (Mac, Cipher) lives in {@link ChunkSeal}.
 */
public final class DataKey {
    static final int LENGTH = 32;
    static final String SIV_LABEL = "p2pbrs-chunk-siv-v1";
    static final String ENCRYPTION_LABEL = "p2pbrs-chunk-enc-v1";
    static final String FILE_LABEL = "p2pbrs-file-key-v1";
    private static final byte[] FILE_CHECKSUM_PREFIX = "p2pbrs-file-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] raw;
    private final SecretKeySpec sivKey;
    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec fileKey;

    private DataKey(byte[] raw) {
        this.raw = raw;
        this.sivKey = Jce.hmacKey(Hmac.sha256(raw, SIV_LABEL));
        this.encryptionKey = Jce.aesKey(Hmac.sha256(raw, ENCRYPTION_LABEL));
        this.fileKey = Jce.hmacKey(Hmac.sha256(raw, FILE_LABEL));
    }

    /** A new key: 32 bytes from a SecureRandom. */
    public static DataKey generate() {
        byte[] raw = new byte[LENGTH];
        RANDOM.nextBytes(raw);
        return new DataKey(raw);
    }

    /** The key of these 32 bytes (copied, so the caller may wipe its array). */
    public static DataKey of(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("a data key is " + LENGTH + " bytes, not "
                    + (raw == null ? "none" : raw.length));
        }
        return new DataKey(raw.clone());
    }

    /** The key's bytes (a copy). */
    public byte[] raw() {
        return raw.clone();
    }

    /**
     * Keyed checksum of a whole file, from its chunks' MACs (ChunkSeal header) in order and its size:
     * HMAC-SHA256(fileKey, "p2pbrs-file-v1" || size (8 bytes BE) || mac_0 || mac_1 ...), lowercase hex (64).
     * Keyed, so two owners' identical files have unrelated checksums; built from the MACs, so the
     * owner gets it while sealing, without reading the file a second time.
     */
    public String fileChecksum(long size, List<byte[]> chunkMacs) {
        if (size < 0) {
            throw new IllegalArgumentException("a file size is not negative: " + size);
        }
        Mac mac = Jce.hmac(fileKey);
        mac.update(FILE_CHECKSUM_PREFIX);
        for (int shift = 56; shift >= 0; shift -= 8) {
            mac.update((byte) (size >>> shift));
        }
        for (byte[] chunkMac : chunkMacs) {
            if (chunkMac == null || chunkMac.length != ChunkSeal.MAC_LENGTH) {
                throw new IllegalArgumentException("a chunk's MAC is " + ChunkSeal.MAC_LENGTH + " bytes");
            }
            mac.update(chunkMac);
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }

    SecretKeySpec sivKey() {
        return sivKey;
    }

    SecretKeySpec encryptionKey() {
        return encryptionKey;
    }

    /** Compared in constant time, as every comparison of secrets in the project is. */
    @Override
    public boolean equals(Object other) {
        return other instanceof DataKey key && MessageDigest.isEqual(raw, key.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    /** Never the key itself: a key must not reach a log by way of a message. */
    @Override
    public String toString() {
        return "DataKey[hidden]";
    }
}
