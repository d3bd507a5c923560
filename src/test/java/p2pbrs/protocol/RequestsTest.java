package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Messages in, typed requests out: every field checked once, in wire order. */
class RequestsTest {
    private static final String SUM = "a".repeat(64);
    private static final String TOKEN = "b".repeat(64);

    private static Request decode(String text) throws MalformedMessageException {
        return Requests.decode(Codec.decode(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void registerHoldsCheckedValuesAndTheTokenAsSent() throws Exception {
        Request r = decode("REGISTER 01 Alice BOTH 192.168.1.10 5001 6001 1024MB token=xyz invite=abc");
        assertEquals(new Request.Register("Alice", Role.BOTH, "192.168.1.10", 5001, 6001, 1L << 30, "xyz", "abc"), r);
    }

    @Test
    void fileNamesKeepTheirWireFormBesideTheName() throws Exception {
        Request.BackupReq r = (Request.BackupReq) decode("BACKUP_REQ 7 a%20b.txt 10 - token=" + TOKEN);
        assertEquals(new FileName("a%20b.txt", "a b.txt"), r.file());
        assertNull(r.checksum());
        assertNull(r.renew());
    }

    @Test
    void chunkSumsAreChecked() throws Exception {
        Request.ChunkSums r = (Request.ChunkSums) decode("CHUNK_SUMS 3 f version=1 from=0 sums=[" + SUM + "]");
        assertEquals(List.of(SUM), r.sums());
        assertNull(r.token());
    }

    @Test
    void substituteNamesTheChunkThePeerThatFailedAndTheChunksChecksum() throws Exception {
        Request r = decode("SUBSTITUTE_REQ 6 a%20b.txt 12 Peer-2 version=3 checksum=" + SUM + " token=" + TOKEN);
        assertEquals(new Request.Substitute(new FileName("a%20b.txt", "a b.txt"), 12, "Peer-2", 3, SUM, TOKEN), r);
        Message m = Codec.decode(("SUBSTITUTE_REQ 6 f 0 P version=1 checksum=" + SUM).getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("File_Name", "Chunk_ID", "Failed_Peer"), m.command().fields());
        assertEquals("SUBSTITUTE_OK 6 f 0 S3:127.0.0.1:7001:" + "c".repeat(32) + " expires=99",
                Codec.format(Message.of(Command.SUBSTITUTE_OK, "6", "f", "0",
                        new PlanPeer("S3", "127.0.0.1", 7001, "c".repeat(32)).encode()).withOption("expires", "99")));
    }

    @Test
    void chunkBadNamesTheOwnerFromAHolderAndTheHolderFromAnOwner() throws Exception {
        String owner = "c".repeat(32);
        assertEquals(new Request.ChunkBad(new FileName("a%20b", "a b"), 3, 2, owner, null, TOKEN),
                decode("CHUNK_BAD 6 a%20b 3 owner=" + owner + " version=2 token=" + TOKEN));
        Request.ChunkBad fromOwner = (Request.ChunkBad) decode("CHUNK_BAD 6 f 0 version=1 holder=Box-2");
        assertEquals("Box-2", fromOwner.holder());
        assertTrue(fromOwner.fromOwner());
    }

    @Test
    void forgetTakesOneVersionOrAll() throws Exception {
        assertTrue(((Request.Forget) decode("FORGET 4 f all=1")).all());
        assertEquals(2, ((Request.Forget) decode("FORGET 4 f version=2")).version());
    }

    @Test
    void filesAfterIsTheCursorOfTheLastPage() throws Exception {
        assertEquals(new Request.Files(17L, 3, null), decode("FILES 5 after=17:3"));
        assertEquals(new Request.Files(null, 0, null), decode("FILES 5"));
    }

    @Test
    void anInventoryPageHoldsItsChecksumsLooseOrNotAndItsPlaceInTheScan() throws Exception {
        Request.Inventory r = (Request.Inventory) decode("INVENTORY 6 Box [" + SUM + "," + SUM.replace('a', 'c')
                + ":l] scan=0123abcd page=1 pages=3 at=1700000000000 token=" + TOKEN);
        assertEquals(List.of(new InventoryItem(SUM, false), new InventoryItem(SUM.replace('a', 'c'), true)), r.items());
        assertEquals(new Request.Inventory("Box", r.items(), "0123abcd", 1, 3, 1_700_000_000_000L, TOKEN), r);
        assertEquals(SUM + ":l", new InventoryItem(SUM, true).encode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "REGISTER 9 -x BOTH nothost 0 0 1MB|Bad-name",
        "REGISTER 9 x KING nothost 0 0 1MB|Bad-role",
        "REGISTER 9 x BOTH 1.2.3.4 0 0 1MB|Bad-port",
        "REGISTER 9 x BOTH 1.2.3.4 1 1 lots|Bad-size",
        "LIST 9 after=-x|Bad-name",
        "INVITE 9 BOTH 10|Bad-checksum",
        "BACKUP_REQ 9 a/b x y|Bad-file-name",
        "BACKUP_REQ 9 f x y|Bad-number",
        "BACKUP_REQ 9 f 1 y|Bad-checksum",
        "CHUNK_SUMS 9 f version=1 from=0|Bad-option",
        "CHUNK_SUMS 9 f version=1 from=0 sums=x|Bad-list",
        "CHUNK_SUMS 9 f from=0 sums=[]|Bad-option",
        "STORE_ACK 9 f 0 owner=x version=1 size=1 checksum=x|Bad-owner",
        "BACKUP_DONE 9 f version=99999999999|Bad-number",
        "RESTORE_FAIL 9 f bad_reason version=1|Bad-reason",
        "SUBSTITUTE_REQ 9 f x P version=1 checksum=x|Bad-number",
        "SUBSTITUTE_REQ 9 f 0 -P version=1 checksum=x|Bad-name",
        "SUBSTITUTE_REQ 9 f 0 P checksum=x|Bad-option",
        "SUBSTITUTE_REQ 9 f 0 P version=1|Bad-checksum",
        "SUBSTITUTE_REQ 9 f 0|Wrong-field-count",
        "FILES 9 after=f|Bad-option",
        "FILES 9 after=f:1|Bad-number",
        "INVITE 9 BOTH 999999999999999999 code_hash=0000000000000000000000000000000000000000000000000000000000000000|Bad-number",
        "FORGET 9 f|Bad-option",
        "CHUNK_BAD 9 f 0 version=1|Bad-option",
        "CHUNK_BAD 9 f 0 version=1 holder=Box owner=cccccccccccccccccccccccccccccccc|Bad-option",
        "CHUNK_BAD 9 f 0 holder=Box|Bad-option",
        "CHUNK_BAD 9 f x version=1 holder=Box|Bad-number",
        "CHUNK_BAD 9 f 0 version=1 owner=Box|Bad-owner",
        "CHUNK_BAD 9 f 0 version=1 holder=-Box|Bad-name",
        "FORGET 9 f version=1 all=1|Bad-option",
        "RELEASE 9 f|Not-served",
        "ADOPT 9 f 0|Not-served",
        "INVENTORY 9 -x [] scan=0a0a0a0a page=0 pages=1 at=1|Bad-name",
        "INVENTORY 9 x [0a] scan=0a0a0a0a page=0 pages=1 at=1|Bad-checksum",
        "INVENTORY 9 x [] scan=0a page=0 pages=1 at=1|Bad-option",
        "INVENTORY 9 x [] page=0 pages=1 at=1|Bad-option",
        "INVENTORY 9 x [] scan=0a0a0a0a page=1 pages=1 at=1|Bad-number",
        "INVENTORY 9 x [] scan=0a0a0a0a page=0 pages=0 at=1|Bad-number",
        "INVENTORY 9 x [] scan=0a0a0a0a page=0 pages=1 at=999999999999999999|Bad-number",
    })
    void theFirstBadFieldGivesTheReason(String text, String reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decode(text));
        assertEquals(reason, e.reason());
        assertEquals("9", e.rq());
    }
}
