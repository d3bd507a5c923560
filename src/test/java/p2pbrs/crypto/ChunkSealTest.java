package p2pbrs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sealing and opening chunks: round trips, tamper and wrong keys refused, nonces, the format as documented. */
class ChunkSealTest {
    private static final int IN_OFFSET = 7;
    private static final int OUT_OFFSET = 13;

    private final Random random = new Random(366);
    private final DataKey key = DataKey.generate();
    private final ChunkSeal seal = new ChunkSeal(key);

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** plain sealed from IN_OFFSET of a larger array into OUT_OFFSET of another: exactly the sealed bytes. */
    private byte[] sealed(ChunkSeal with, byte[] plain) {
        byte[] in = new byte[IN_OFFSET + plain.length + 5];
        System.arraycopy(plain, 0, in, IN_OFFSET, plain.length);
        byte[] out = new byte[OUT_OFFSET + plain.length + ChunkSeal.OVERHEAD + 3];
        int written = with.seal(in, IN_OFFSET, plain.length, out, OUT_OFFSET);
        assertEquals(plain.length + ChunkSeal.OVERHEAD, written);
        return Arrays.copyOfRange(out, OUT_OFFSET, OUT_OFFSET + written);
    }

    private byte[] opened(ChunkSeal with, byte[] sealed) throws BadChunkException {
        byte[] in = new byte[IN_OFFSET + sealed.length + 2];
        System.arraycopy(sealed, 0, in, IN_OFFSET, sealed.length);
        byte[] out = new byte[OUT_OFFSET + sealed.length];
        int length = with.open(in, IN_OFFSET, sealed.length, out, OUT_OFFSET);
        return Arrays.copyOfRange(out, OUT_OFFSET, OUT_OFFSET + length);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, ChunkSeal.SLICE + 1, 64 * 1024, 8 * 1024 * 1024})
    void sealedChunksOpenToWhatWasSealed(int size) throws BadChunkException {
        byte[] plain = randomBytes(size);
        byte[] sealed = sealed(seal, plain);
        assertEquals(ChunkSeal.FORMAT, sealed[0]);
        assertArrayEquals(plain, opened(seal, sealed));
        assertArrayEquals(plain, opened(new ChunkSeal(DataKey.of(key.raw())), sealed), "the key, not the object, opens it");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, ChunkSeal.SLICE, ChunkSeal.SLICE + 1, 64 * 1024 + 3, 8 * 1024 * 1024})
    void sealingInPlaceGivesTheSameBytesAsSealingIntoAnotherArray(int size) throws BadChunkException {
        byte[] plain = randomBytes(size);
        byte[] buf = new byte[OUT_OFFSET + size + ChunkSeal.OVERHEAD + 3];
        Arrays.fill(buf, (byte) 0x5a);
        System.arraycopy(plain, 0, buf, OUT_OFFSET + ChunkSeal.HEADER_BYTES, size);
        assertEquals(size + ChunkSeal.OVERHEAD, seal.sealInPlace(buf, OUT_OFFSET, size));
        byte[] sealed = Arrays.copyOfRange(buf, OUT_OFFSET, OUT_OFFSET + size + ChunkSeal.OVERHEAD);
        assertArrayEquals(sealed(seal, plain), sealed);
        assertArrayEquals(plain, opened(seal, sealed));
        for (int i = 0; i < OUT_OFFSET; i++) {
            assertEquals((byte) 0x5a, buf[i], "nothing written before the chunk");
        }
        for (int i = OUT_OFFSET + sealed.length; i < buf.length; i++) {
            assertEquals((byte) 0x5a, buf[i], "nothing written after the chunk");
        }
        assertThrows(IndexOutOfBoundsException.class, () -> seal.sealInPlace(buf, 4, buf.length - ChunkSeal.OVERHEAD));
    }

    @Test
    void overheadIsTheVersionByteTheMacAndTheTag() {
        assertEquals(1 + 32 + 16, ChunkSeal.OVERHEAD);
        assertEquals(1, ChunkSeal.FORMAT);
    }

    @Test
    void everyFlippedBitOfHeaderAndTagAndASampleOfTheCiphertextIsRefused() throws BadChunkException {
        byte[] plain = randomBytes(4095);
        byte[] sealed = sealed(seal, plain);
        Set<Integer> positions = new HashSet<>();
        for (int i = 0; i < 33; i++) {
            positions.add(i);
        }
        for (int i = sealed.length - 16; i < sealed.length; i++) {
            positions.add(i);
        }
        for (int i = 33; i < sealed.length - 16; i += 97) {
            positions.add(i);
        }
        positions.add(33);
        positions.add(sealed.length - 17);
        for (int position : positions) {
            for (int bit = 0; bit < 8; bit += 3) {
                byte[] damaged = sealed.clone();
                damaged[position] ^= (byte) (1 << bit);
                byte[] out = new byte[plain.length];
                assertThrows(BadChunkException.class, () -> seal.open(damaged, 0, damaged.length, out, 0),
                        "bit " + bit + " of byte " + position);
                assertTrue(allZero(out), "a failed open leaves no plaintext behind (byte " + position + ")");
            }
        }
        assertArrayEquals(plain, opened(seal, sealed), "a failed open leaves the seal usable");
    }

    @Test
    void aFailedOpenWipesWhatTheOutputRangeHeld() {
        byte[] sealed = sealed(seal, randomBytes(1000));
        sealed[500] ^= 1;
        byte[] out = new byte[1000 + 20];
        Arrays.fill(out, (byte) 0x5a);
        assertThrows(BadChunkException.class, () -> seal.open(sealed, 0, sealed.length, out, 10));
        assertTrue(allZero(Arrays.copyOfRange(out, 10, 10 + 1000)));
        assertEquals(0x5a, out[9], "outside the range nothing is touched");
        assertEquals(0x5a, out[out.length - 1]);
    }

    @Test
    void truncatedOrTooShortOrUnknownVersionIsRefusedWithAClearMessage() {
        byte[] sealed = sealed(seal, randomBytes(100));
        byte[] out = new byte[200];
        BadChunkException shortOne = assertThrows(BadChunkException.class,
                () -> seal.open(sealed, 0, ChunkSeal.OVERHEAD - 1, out, 0));
        assertTrue(shortOne.getMessage().contains("at least 49 bytes"), shortOne.getMessage());
        assertThrows(BadChunkException.class, () -> seal.open(sealed, 0, sealed.length - 1, out, 0));
        assertThrows(BadChunkException.class, () -> seal.open(sealed, 1, sealed.length - 1, out, 0));
        byte[] later = sealed.clone();
        later[0] = 2;
        BadChunkException version = assertThrows(BadChunkException.class,
                () -> seal.open(later, 0, later.length, out, 0));
        assertTrue(version.getMessage().contains("format 2"), version.getMessage());
    }

    @Test
    void aWrongKeyFailsCleanly() {
        byte[] sealed = sealed(seal, randomBytes(300));
        ChunkSeal other = new ChunkSeal(DataKey.generate());
        byte[] out = new byte[300];
        BadChunkException e = assertThrows(BadChunkException.class,
                () -> other.open(sealed, 0, sealed.length, out, 0));
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
        assertTrue(allZero(out));
    }

    @Test
    void theSamePlaintextSealsToTheSameBytesAlsoTwiceInARow() throws BadChunkException {
        byte[] plain = randomBytes(5000);
        byte[] first = sealed(seal, plain);
        byte[] again = sealed(seal, plain);
        assertArrayEquals(first, again, "twice in a row on one ChunkSeal");
        sealed(seal, randomBytes(10));
        assertArrayEquals(first, sealed(seal, plain), "after another chunk");
        assertArrayEquals(first, sealed(new ChunkSeal(key), plain), "on another ChunkSeal of the same key");
        byte[] empty = sealed(seal, new byte[0]);
        assertArrayEquals(empty, sealed(seal, new byte[0]));
        assertArrayEquals(plain, opened(seal, again));
    }

    @Test
    void noncesDoNotRepeatForDifferentPlaintexts() {
        Set<ByteBuffer> nonces = new HashSet<>();
        byte[] out = new byte[64 + ChunkSeal.OVERHEAD];
        int chunks = 100_000;
        for (int i = 0; i < chunks; i++) {
            // A counter in every chunk makes the plaintexts distinct whatever the random part.
            byte[] plain = randomBytes(4 + random.nextInt(60));
            ByteBuffer.wrap(plain).putInt(i);
            seal.seal(plain, 0, plain.length, out, 0);
            nonces.add(ByteBuffer.wrap(Arrays.copyOfRange(out, 1, 13)));
        }
        assertEquals(chunks, nonces.size());
    }

    @Test
    void twoOwnersIdenticalChunksAreUnlinkable() {
        byte[] plain = randomBytes(4096);
        byte[] mine = sealed(seal, plain);
        byte[] theirs = sealed(new ChunkSeal(DataKey.generate()), plain);
        assertFalse(Arrays.equals(ChunkSeal.mac(mine, 0), ChunkSeal.mac(theirs, 0)));
        assertFalse(Arrays.equals(Arrays.copyOfRange(mine, 33, mine.length),
                Arrays.copyOfRange(theirs, 33, theirs.length)));
    }

    @Test
    void macIsACopyOfTheHeaderMacAtAnyOffset() {
        byte[] sealed = sealed(seal, randomBytes(77));
        byte[] shifted = new byte[sealed.length + 9];
        System.arraycopy(sealed, 0, shifted, 9, sealed.length);
        byte[] mac = ChunkSeal.mac(shifted, 9);
        assertArrayEquals(Arrays.copyOfRange(sealed, 1, 33), mac);
        mac[0] ^= 1;
        assertEquals(sealed[1], shifted[10], "a copy");
    }

    @Test
    void rangesOutsideTheArraysAreRefusedBeforeAnythingIsWritten() {
        byte[] plain = randomBytes(100);
        byte[] small = new byte[100 + ChunkSeal.OVERHEAD - 1];
        assertThrows(IndexOutOfBoundsException.class, () -> seal.seal(plain, 0, 100, small, 0));
        assertTrue(allZero(small));
        assertThrows(IndexOutOfBoundsException.class, () -> seal.seal(plain, 1, 100, new byte[200], 0));
        byte[] sealed = sealed(seal, plain);
        assertThrows(IndexOutOfBoundsException.class, () -> seal.open(sealed, 0, sealed.length, new byte[99], 0));
    }

    /**
     * The bytes docs/protocol.md describes, made here from its description alone with one
     * JDK call, over more than one of the slices ChunkSeal hands the cipher.
     */
    @ParameterizedTest
    @ValueSource(ints = {1234, 3 * ChunkSeal.SLICE, 3 * ChunkSeal.SLICE + 5})
    void theFormatIsTheOneDocumented(int size) throws Exception {
        byte[] plain = randomBytes(size);
        byte[] raw = key.raw();
        byte[] sivKey = hmac(raw, "p2pbrs-chunk-siv-v1".getBytes(StandardCharsets.US_ASCII));
        byte[] encryptionKey = hmac(raw, "p2pbrs-chunk-enc-v1".getBytes(StandardCharsets.US_ASCII));
        byte[] header = new byte[33];
        header[0] = 1;
        System.arraycopy(hmac(sivKey, plain), 0, header, 1, 32);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encryptionKey, "AES"),
                new GCMParameterSpec(128, header, 1, 12));
        gcm.updateAAD(header);
        byte[] body = gcm.doFinal(plain);
        byte[] expected = new byte[33 + body.length];
        System.arraycopy(header, 0, expected, 0, 33);
        System.arraycopy(body, 0, expected, 33, body.length);
        assertArrayEquals(expected, sealed(seal, plain));
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
