package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Names, sizes, addresses, ports, lists and file names. */
class FieldsTest {
    @Test
    void sizesArePowersOf1024WhateverTheCase() {
        assertEquals(1L << 30, Sizes.parse("1024MB"));
        assertEquals(1L << 30, Sizes.parse("1gib"));
        assertEquals(1L << 30, Sizes.parse("1GB"));
        assertEquals(5L << 40, Sizes.parse("5TiB"));
        assertEquals(4096, Sizes.parse("4KB"));
        assertEquals(17, Sizes.parse("17"));
        assertEquals(17, Sizes.parse("17b"));
    }

    @Test
    void sizesRefuseJunkAndOverflow() {
        for (String bad : List.of("", "MB", "1.5GB", "-1", "1 GB", "1PB", "99999999999TB", "99999999999999999999")) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
        }
    }

    @Test
    void peerNames() {
        assertTrue(PeerNames.isValid("a"));
        assertTrue(PeerNames.isValid("Node-1.b_c"));
        assertTrue(PeerNames.isValid("x".repeat(64)));
        assertFalse(PeerNames.isValid("x".repeat(65)));
        assertFalse(PeerNames.isValid("-a"));
        assertFalse(PeerNames.isValid(".a"));
        assertFalse(PeerNames.isValid("a b"));
        assertFalse(PeerNames.isValid("é"));
        assertFalse(PeerNames.isValid(""));
        assertEquals(PeerNames.key("Alice"), PeerNames.key("aLiCe"));
    }

    @Test
    void addressesAreLiteralsOnly() throws Exception {
        assertEquals("192.168.1.10", Fields.ipLiteral("192.168.1.10", "1"));
        assertEquals("0:0:0:0:0:0:0:1", Fields.ipLiteral("::1", "1"));
        assertEquals("0:0:0:0:0:0:0:1", Fields.ipLiteral("[::1]", "1"));
        for (String bad : List.of("localhost", "256.1.1.1", "1.2.3", "example.com", "1.2.3.4.5", "::g")) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Fields.ipLiteral(bad, "9"));
            assertEquals(Reason.BAD_ADDRESS, e.reason(), bad);
        }
    }

    @Test
    void ports() throws Exception {
        assertEquals(1, Fields.port("1", "1"));
        assertEquals(65535, Fields.port("65535", "1"));
        for (String bad : List.of("0", "65536", "-1", "abc", "123456", "")) {
            assertThrows(MalformedMessageException.class, () -> Fields.port(bad, "1"), bad);
        }
    }

    @Test
    void peerEntriesRoundTripWithIpv6InBrackets() throws Exception {
        PeerEntry v6 = new PeerEntry("n1", Role.STORAGE, "2001:db8:0:0:0:0:0:1", 5000, 6000, 1L << 30, "ALIVE");
        assertEquals("n1:STORAGE:[2001:db8:0:0:0:0:0:1]:5000:6000:1073741824:ALIVE", v6.encode());
        assertEquals(v6, PeerEntry.parse(v6.encode(), "1"));
        PeerEntry v4 = new PeerEntry("n2", Role.OWNER, "10.0.0.1", 1, 2, 3, "STALE");
        assertEquals(v4, PeerEntry.parse(v4.encode(), "1"));
        assertThrows(MalformedMessageException.class, () -> PeerEntry.parse("n1:BOTH:10.0.0.1:1:2", "1"));
    }

    @Test
    void wireLists() throws Exception {
        assertEquals(List.of(), WireList.parse("[]", "1"));
        assertEquals(List.of("a", "b"), WireList.parse("[a,b]", "1"));
        assertEquals("[a,b]", WireList.format(List.of("a", "b")));
        for (String bad : List.of("a,b", "[a,,b]", "[", "[a,]")) {
            assertThrows(MalformedMessageException.class, () -> WireList.parse(bad, "1"), bad);
        }
    }

    @Test
    void fileNamesArePercentEncodedCanonically() throws Exception {
        String name = "résumé 2024 ✓.txt";
        String wire = FileNames.encode(name);
        assertEquals("r%C3%A9sum%C3%A9%202024%20%E2%9C%93.txt", wire);
        assertEquals(name, FileNames.decode(wire, "1"));
        assertEquals("a-b_c.d~e", FileNames.encode("a-b_c.d~e"));
        // One name, one spelling.
        assertThrows(MalformedMessageException.class, () -> FileNames.decode("r%c3%a9sum%c3%a9", "1"));
        assertThrows(MalformedMessageException.class, () -> FileNames.decode("%61", "1"));
    }

    @Test
    void fileNamesAreNeverPaths() {
        for (String wire : List.of("..", ".", "..%2Fx", "%2Fetc%2Fpasswd", "a%2F..%2F..%2Fb", "a%5Cb", "a%00b",
                "", "%0A", "%", "%G1", "a b", "%C3")) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> FileNames.decode(wire, "1"), wire);
            assertEquals(Reason.BAD_FILE_NAME, e.reason(), wire);
        }
        assertThrows(IllegalArgumentException.class, () -> FileNames.encode("../x"));
    }

    @Test
    void fileNamesAreAtMost255Bytes() throws Exception {
        assertEquals("x".repeat(255), FileNames.decode("x".repeat(255), "1"));
        assertThrows(MalformedMessageException.class, () -> FileNames.decode("x".repeat(256), "1"));
        // 128 two-byte letters: 256 bytes.
        assertThrows(IllegalArgumentException.class, () -> FileNames.encode("é".repeat(128)));
    }
}
