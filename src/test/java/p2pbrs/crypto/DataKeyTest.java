package p2pbrs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Data keys: their bytes kept apart from callers', and keyed whole-file checksums. */
class DataKeyTest {
    private final Random random = new Random(17);

    private byte[] mac() {
        byte[] mac = new byte[32];
        random.nextBytes(mac);
        return mac;
    }

    @Test
    void ofTakesExactly32BytesAndCopiesThem() {
        assertThrows(IllegalArgumentException.class, () -> DataKey.of(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> DataKey.of(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> DataKey.of(null));
        byte[] raw = new byte[32];
        raw[0] = 9;
        DataKey key = DataKey.of(raw);
        raw[0] = 0;
        assertEquals(9, key.raw()[0], "of copies");
        key.raw()[0] = 5;
        assertEquals(9, key.raw()[0], "raw copies");
        assertEquals(key, DataKey.of(key.raw()));
    }

    @Test
    void generatedKeysDifferAndNeverPrintThemselves() {
        DataKey one = DataKey.generate();
        DataKey two = DataKey.generate();
        assertNotEquals(one, two);
        assertEquals(32, one.raw().length);
        assertFalse(one.toString().contains(HexFormat.of().formatHex(one.raw())));
    }

    @Test
    void fileChecksumDependsOnOrderSizeAndKey() {
        DataKey key = DataKey.generate();
        byte[] a = mac();
        byte[] b = mac();
        String checksum = key.fileChecksum(100, List.of(a, b));
        assertTrue(checksum.matches("[0-9a-f]{64}"), checksum);
        assertEquals(checksum, key.fileChecksum(100, List.of(a.clone(), b.clone())));
        assertEquals(checksum, DataKey.of(key.raw()).fileChecksum(100, List.of(a, b)));
        assertNotEquals(checksum, key.fileChecksum(100, List.of(b, a)), "order");
        assertNotEquals(checksum, key.fileChecksum(101, List.of(a, b)), "size");
        assertNotEquals(checksum, key.fileChecksum(100, List.of(a)), "a chunk less");
        assertNotEquals(checksum, DataKey.generate().fileChecksum(100, List.of(a, b)), "key");
        assertNotEquals(key.fileChecksum(0, List.of()), DataKey.generate().fileChecksum(0, List.of()),
                "even two owners' empty files");
    }

    @Test
    void fileChecksumRefusesWhatIsNotAMacOrASize() {
        DataKey key = DataKey.generate();
        assertThrows(IllegalArgumentException.class, () -> key.fileChecksum(-1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> key.fileChecksum(1, List.of(new byte[31])));
    }

    /** The checksum docs/protocol.md describes, made here from its description alone. */
    @Test
    void fileChecksumIsTheOneDocumented() throws Exception {
        DataKey key = DataKey.generate();
        byte[] a = mac();
        byte[] b = mac();
        long size = 0x0102030405L;
        byte[] fileKey = ChunkSealTest.hmac(key.raw(), "p2pbrs-file-key-v1".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write("p2pbrs-file-v1".getBytes(StandardCharsets.US_ASCII));
        message.write(ByteBuffer.allocate(8).putLong(size).array());
        message.write(a);
        message.write(b);
        assertEquals(HexFormat.of().formatHex(ChunkSealTest.hmac(fileKey, message.toByteArray())),
                key.fileChecksum(size, List.of(a, b)));
    }

    @Test
    void theChecksumOfSealedChunksComesFromTheirHeaders() {
        DataKey key = DataKey.generate();
        ChunkSeal seal = new ChunkSeal(key);
        byte[] plain = new byte[10];
        byte[] sealed = new byte[10 + ChunkSeal.OVERHEAD];
        seal.seal(plain, 0, 10, sealed, 0);
        assertArrayEquals(ChunkSeal.mac(sealed, 0), java.util.Arrays.copyOfRange(sealed, 1, 33));
        assertEquals(64, key.fileChecksum(10, List.of(ChunkSeal.mac(sealed, 0))).length());
    }
}
