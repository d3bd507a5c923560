package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import p2pbrs.crypto.ChunkSeal;

/** What the server and storage peers count for a format is what sealing adds. */
class ChunkFormatsTest {
    @Test
    void theSealedFormatsOverheadIsWhatSealingAdds() {
        assertEquals(ChunkSeal.OVERHEAD, ChunkFormats.overhead(ChunkFormats.SEALED_V1));
        assertEquals(ChunkSeal.FORMAT, ChunkFormats.SEALED_V1);
        assertEquals(0, ChunkFormats.overhead(ChunkFormats.PLAIN));
        assertFalse(ChunkFormats.known(2));
        assertThrows(IllegalArgumentException.class, () -> ChunkFormats.overhead(2));
    }

    @Test
    void aPlacementCountsEachChunkAsStored() {
        Placement p = new Placement(10 * 100 + 7, 100, 3, 2, ChunkFormats.SEALED_V1_OVERHEAD);
        assertEquals(11, p.chunkCount());
        assertEquals(100 + 49, p.sizeOf(0));
        assertEquals(7 + 49, p.sizeOf(10));
        assertEquals(7, p.plainSizeOf(10));
        long all = 0;
        for (int slot = 0; slot < 3; slot++) {
            all += p.bytesFor(slot);
        }
        assertEquals(2L * (10 * 100 + 7 + 11 * 49), all, "every copy of every chunk, as stored");
    }
}
