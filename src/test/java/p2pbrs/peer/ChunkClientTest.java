package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p2pbrs.crypto.ChunkOpening;
import p2pbrs.crypto.ChunkSeal;
import p2pbrs.crypto.DataKey;
import p2pbrs.protocol.Codec;
import p2pbrs.protocol.Command;
import p2pbrs.protocol.Message;
import p2pbrs.testing.Trickle;
import p2pbrs.transport.TransferLimits;

/**
 * The owner's side of chunk transfer takes nothing a storage peer says on trust: a reply
 * that is not the answer its request expects is an error for that copy, naming the peer
 * and quoting what it said.
 */
class ChunkClientTest {
    private static final byte[] BODY = {1, 2, 3};
    private static final String SUM = LocalCluster.sha256(BODY);
    // A well-formed checksum for replies that must fail for another reason.
    private static final String ANY_SUM = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final Message SEND = Message.of(Command.SEND_CHUNK, "41", "f.bin", "7", "3", SUM);
    private static final TransferLimits LIMITS = TransferLimits.forIdleTimeout(5_000);
    private static final Message GET = Message.of(Command.GET_CHUNK, "42", "f.bin", "7");

    @TempDir
    Path dir;

    /** A storage peer that answers one request with this line, then waits for the owner to hang up. */
    private static FakeStoragePeer answering(String reply) throws IOException {
        return FakeStoragePeer.unregistered("Liar", c -> {
            Message request = c.readHeader();
            if (request.command() == Command.SEND_CHUNK) {
                c.readBody(request);
            }
            c.send(reply);
            c.readHeader();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ACK 5",
        "CHUNK_OK 99 f.bin 7",
        "CHUNK_OK 41 g.bin 7",
        "CHUNK_OK 41 f.bin 8",
        "CHUNK_ERROR 41 - 0 Not-served",
        "CHUNK_DATA 41 f.bin 7 3 " + ANY_SUM,
        "CHUNK_OK 41 f.bin",
        "not a reply at all"})
    void aReplyThatDoesNotAnswerTheSendIsAnErrorNamingThePeer(String reply) throws Exception {
        try (FakeStoragePeer liar = answering(reply);
             ChunkClient client = new ChunkClient("Owner", liar.planPeer(), LIMITS)) {
            IOException e = assertThrows(IOException.class, () -> client.send(SEND, BODY, BODY.length));
            assertTrue(e.getMessage().startsWith("peer Liar answered SEND_CHUNK 41 with '" + reply + "': "),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHUNK_OK 41 f.bin 7", "CHUNK_ERROR 41 f.bin 7 No-space"})
    void theAnswersASendExpectsAreReturned(String reply) throws Exception {
        try (FakeStoragePeer peer = answering(reply);
             ChunkClient client = new ChunkClient("Owner", peer.planPeer(), LIMITS)) {
            assertEquals(reply, Codec.format(client.send(SEND, BODY, BODY.length)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ACK 5",
        "CHUNK_OK 42 f.bin 7",
        "CHUNK_DATA 43 f.bin 7 3 " + ANY_SUM,
        "CHUNK_DATA 42 f.bin 6 3 " + ANY_SUM,
        "CHUNK_DATA 42 f.bin 7 three " + ANY_SUM,
        "CHUNK_DATA 42 f.bin 7 3 NOT-A-CHECKSUM"})
    void aReplyThatDoesNotAnswerTheFetchIsAnErrorNamingThePeer(String reply) throws Exception {
        try (FakeStoragePeer liar = answering(reply);
             ChunkClient client = new ChunkClient("Owner", liar.planPeer(), LIMITS);
             FileChannel file = FileChannel.open(dir.resolve("part"), StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE)) {
            IOException e = assertThrows(IOException.class, () -> client.fetch(GET, file, 0, BODY.length));
            assertTrue(e.getMessage().startsWith("peer Liar answered GET_CHUNK 42 with '" + reply + "': "),
                    e.getMessage());
            assertEquals(0, file.size(), "nothing written");
        }
    }

    @Test
    void aChunkTheFetchExpectsIsWrittenAndHashed() throws Exception {
        try (FakeStoragePeer peer = FakeStoragePeer.unregistered("Honest", c -> {
                 c.readHeader();
                 c.send("CHUNK_DATA 42 f.bin 7 3 " + SUM);
                 c.send(BODY);
                 c.readHeader();
             });
             ChunkClient client = new ChunkClient("Owner", peer.planPeer(), LIMITS);
             FileChannel file = FileChannel.open(dir.resolve("part"), StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE)) {
            assertEquals(SUM, client.fetch(GET, file, 0, BODY.length).checksum());
            assertEquals(BODY.length, file.size());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4_099, 100_003, 1 << 20})
    void aSealedChunkOpensIntoItsPlaceWhateverSizeThePiecesWrittenAre(int batch) throws Exception {
        DataKey key = DataKey.generate();
        byte[] plain = new byte[3 * 1024 * 1024 + 123];
        new java.util.Random(366).nextBytes(plain);
        byte[] sealed = new byte[plain.length + ChunkSeal.OVERHEAD];
        new ChunkSeal(key).seal(plain, 0, plain.length, sealed, 0);
        String sum = LocalCluster.sha256(sealed);
        long offset = 5_000;
        try (FakeStoragePeer peer = FakeStoragePeer.unregistered("Honest", c -> {
                 c.readHeader();
                 c.send("CHUNK_DATA 42 f.bin 7 " + sealed.length + " " + sum);
                 c.send(sealed);
                 c.readHeader();
             });
             ChunkClient client = new ChunkClient("Owner", peer.planPeer(), LIMITS);
             FileChannel file = FileChannel.open(dir.resolve("part"), StandardOpenOption.CREATE,
                     StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ChunkClient.FetchedSealed fetched = client.fetchSealed(GET, file, new PartWriter(1, batch), offset,
                    sealed.length, new ChunkOpening(key), true);
            assertEquals(sum, fetched.checksum());
            assertTrue(fetched.opened());
            assertEquals(offset + plain.length, file.size());
            java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(plain.length);
            while (back.hasRemaining() && file.read(back, offset + back.position()) > 0) {
                // read on
            }
            assertArrayEquals(plain, back.array());
        }
    }

    @Test
    void aReplyTrickledByteByByteIsGivenUpAtTheHeaderDeadline() throws Exception {
        TransferLimits limits = new TransferLimits(2_000, 300, 200, 50_000);
        try (FakeStoragePeer slow = FakeStoragePeer.unregistered("Slow", c -> {
                 Message request = c.readHeader();
                 c.readBody(request);
                 try (Trickle t = new Trickle(c.socket.getOutputStream(),
                         "CHUNK_OK 41 f.bin 7 ".getBytes(StandardCharsets.US_ASCII), Duration.ofMillis(20))) {
                     c.readHeader();
                 }
             });
             ChunkClient client = new ChunkClient("Owner", slow.planPeer(), limits)) {
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> client.send(SEND, BODY, BODY.length));
            assertEquals("no complete header line within 300 ms", e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "given up in time");
        }
    }
}
