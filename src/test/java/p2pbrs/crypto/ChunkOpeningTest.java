package p2pbrs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Opening a sealed chunk piece by piece gives what opening it whole gives, and checks the same. */
class ChunkOpeningTest {
    private final DataKey key = DataKey.generate();
    private final Random random = new Random(5);

    @Test
    void piecesOfAnySizeOpenToThePlaintext() throws Exception {
        ChunkOpening opening = new ChunkOpening(key);
        for (int size : new int[] {0, 1, 15, 16, 17, 1023, 1024, 1025, 65536 + 7, 3 << 20}) {
            byte[] plain = new byte[size];
            random.nextBytes(plain);
            byte[] sealed = seal(plain);
            byte[] out = open(opening, sealed, 1 + random.nextInt(70_000));
            assertArrayEquals(plain, out, "size " + size);
            assertArrayEquals(ChunkSeal.mac(sealed, 0), opening.mac());
        }
        // The same chunk twice in a row (the tag recomputed with a repeated nonce).
        byte[] plain = new byte[5000];
        random.nextBytes(plain);
        byte[] sealed = seal(plain);
        assertArrayEquals(plain, open(opening, sealed, 999));
        assertArrayEquals(plain, open(opening, sealed, 4096));
    }

    @Test
    void aFlippedBitAnywhereOrAnotherKeyDoesNotVerify() throws Exception {
        byte[] plain = new byte[4000];
        random.nextBytes(plain);
        byte[] sealed = seal(plain);
        ChunkOpening opening = new ChunkOpening(key);
        for (int at : new int[] {1, 20, 32, 33, 500, 2000, sealed.length - 17, sealed.length - 16, sealed.length - 1}) {
            byte[] bad = sealed.clone();
            bad[at] ^= 4;
            assertFalse(verifies(opening, bad, 700), "bit flipped at " + at);
        }
        assertTrue(verifies(opening, sealed, 700));
        assertFalse(verifies(new ChunkOpening(DataKey.generate()), sealed, 700), "another owner's key");
        byte[] otherFormat = sealed.clone();
        otherFormat[0] = 2;
        assertThrows(BadChunkException.class, () -> new ChunkOpening(key).begin(otherFormat, 0));
    }

    private byte[] seal(byte[] plain) {
        byte[] sealed = new byte[plain.length + ChunkSeal.OVERHEAD];
        new ChunkSeal(key).seal(plain, 0, plain.length, sealed, 0);
        return sealed;
    }

    private static byte[] open(ChunkOpening opening, byte[] sealed, int piece) throws BadChunkException {
        byte[] out = new byte[sealed.length - ChunkSeal.OVERHEAD];
        assertTrue(run(opening, sealed, piece, out));
        return out;
    }

    private static boolean verifies(ChunkOpening opening, byte[] sealed, int piece) throws BadChunkException {
        return run(opening, sealed, piece, new byte[sealed.length - ChunkSeal.OVERHEAD]);
    }

    // As a restore feeds it: the header, the ciphertext in pieces, the tag.
    private static boolean run(ChunkOpening opening, byte[] sealed, int piece, byte[] out) throws BadChunkException {
        opening.begin(sealed, 0);
        int end = sealed.length - ChunkSeal.TAG_BYTES;
        for (int at = ChunkSeal.HEADER_BYTES; at < end; at += piece) {
            int n = Math.min(piece, end - at);
            opening.update(sealed, at, n, out, at - ChunkSeal.HEADER_BYTES);
        }
        return opening.finish(Arrays.copyOfRange(sealed, end, sealed.length), 0);
    }
}
