package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Ports, IP literals, roles, checksums and file names. */
class FieldsTest {
    private static void assertBadPort(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Fields.port(text, "4"),
                "'" + text + "'");
        assertEquals(Reason.BAD_PORT, e.reason());
        assertEquals("4", e.rq());
    }

    private static void assertBadAddress(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Fields.ipLiteral(text, "6"), "'" + text + "'");
        assertEquals(Reason.BAD_ADDRESS, e.reason());
        assertEquals("6", e.rq());
    }

    /**
     * The host names the calling thread asked the resolver for while running the action.
     * Java 17 calls SecurityManager.checkConnect(host, -1) before every name lookup.
     */
    @SuppressWarnings("removal")
    private static List<String> lookupsDuring(Executable action) throws Throwable {
        List<String> lookups = Collections.synchronizedList(new ArrayList<>());
        Thread caller = Thread.currentThread();
        SecurityManager previous = System.getSecurityManager();
        try {
            System.setSecurityManager(new SecurityManager() {
                @Override
                public void checkPermission(Permission perm) {
                }

                @Override
                public void checkPermission(Permission perm, Object context) {
                }

                @Override
                public void checkConnect(String host, int port) {
                    if (port == -1 && Thread.currentThread() == caller) {
                        lookups.add(host);
                    }
                }
            });
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("this JVM cannot install a SecurityManager to watch name lookups");
        }
        try {
            action.execute();
        } finally {
            System.setSecurityManager(previous);
        }
        return lookups;
    }

    // ---- ports ----

    @Test
    void acceptsLowestPort() throws Exception {
        assertEquals(1, Fields.port("1", "1"));
    }

    @Test
    void acceptsHighestPort() throws Exception {
        assertEquals(65535, Fields.port("65535", "1"));
    }

    @Test
    void acceptsCoursePorts() throws Exception {
        assertEquals(5001, Fields.port("5001", "1"));
        assertEquals(6001, Fields.port("6001", "1"));
    }

    @Test
    void rejectsPortZero() {
        assertBadPort("0");
    }

    @Test
    void rejectsPortOfZeros() {
        assertBadPort("00000");
    }

    @Test
    void rejectsPortAbove65535() {
        assertBadPort("65536");
    }

    @Test
    void rejectsSixDigitPort() {
        assertBadPort("123456");
    }

    @Test
    void rejectsNegativePort() {
        assertBadPort("-1");
    }

    @Test
    void rejectsPlusSignedPort() {
        assertBadPort("+80");
    }

    @Test
    void rejectsPortWithLetters() {
        assertBadPort("80a");
    }

    @Test
    void rejectsEmptyPort() {
        assertBadPort("");
    }

    @Test
    void rejectsNonAsciiDigitPort() {
        assertBadPort("\u0668\u0660");
    }

    // ---- IP literals ----

    @Test
    void acceptsCourseIpv4Address() throws Exception {
        assertEquals("192.168.1.10", Fields.ipLiteral("192.168.1.10", "1"));
    }

    @Test
    void acceptsIpv4Extremes() throws Exception {
        assertEquals("0.0.0.1", Fields.ipLiteral("0.0.0.1", "1"));
        assertEquals("223.255.255.255", Fields.ipLiteral("223.255.255.255", "1"));
        assertEquals("255.255.255.254", Fields.ipLiteral("255.255.255.254", "1"));
    }

    // No peer can be reached at these: one names every machine, the others none in particular.

    @Test
    void rejectsBroadcastAddress() {
        assertBadAddress("255.255.255.255");
        assertBadAddress("::ffff:255.255.255.255");
    }

    @Test
    void rejectsIpv4Multicast() {
        assertBadAddress("224.0.0.1");
        assertBadAddress("239.255.255.255");
        assertBadAddress("::ffff:224.0.0.251");
    }

    @Test
    void rejectsIpv6Multicast() {
        assertBadAddress("ff02::1");
        assertBadAddress("[FF05::1:3]");
        assertBadAddress("ff00::");
    }

    @Test
    void rejectsUnspecifiedAddresses() {
        assertBadAddress("0.0.0.0");
        assertBadAddress("::");
        assertBadAddress("[::]");
        assertBadAddress("0:0:0:0:0:0:0:0");
        assertBadAddress("::ffff:0.0.0.0");
    }

    @Test
    void acceptsEveryIpv6Shape() throws Exception {
        assertEquals("1:2:3:4:5:6:7:8", Fields.ipLiteral("1:2:3:4:5:6:7:8", "1"));
        assertEquals("1:2:3:4:5:6:7:0", Fields.ipLiteral("1:2:3:4:5:6:7::", "1"));
        assertEquals("0:2:3:4:5:6:7:8", Fields.ipLiteral("::2:3:4:5:6:7:8", "1"));
        assertEquals("1:0:0:0:0:0:0:0", Fields.ipLiteral("1::", "1"));
        assertEquals("fe80:0:0:0:0:0:0:1", Fields.ipLiteral("fe80::1", "1"));
        assertEquals("1:2:3:4:5:6:102:304", Fields.ipLiteral("1:2:3:4:5:6:1.2.3.4", "1"));
        assertEquals("0:0:0:0:0:0:102:304", Fields.ipLiteral("::1.2.3.4", "1"));
        // An IPv4-mapped address is the IPv4 address.
        assertEquals("1.2.3.4", Fields.ipLiteral("::ffff:1.2.3.4", "1"));
    }

    @Test
    void rejectsMalformedIpv6Shapes() {
        for (String text : List.of(":", ":::", ":1", "1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "1:::2", "12345::",
                "1.2.3.4::", "::1.2.3", "::1.2.3.4:5", "1::2:1.2.3.4.5", "::0x1", "[::1", "::1]", "[[::1]]")) {
            assertBadAddress(text);
        }
    }

    @Test
    void acceptsIpv6LoopbackInCanonicalForm() throws Exception {
        assertEquals("0:0:0:0:0:0:0:1", Fields.ipLiteral("::1", "1"));
    }

    @Test
    void acceptsBracketedIpv6() throws Exception {
        assertEquals("0:0:0:0:0:0:0:1", Fields.ipLiteral("[::1]", "1"));
    }

    @Test
    void canonicalIpv6IsLowerCase() throws Exception {
        assertEquals("2001:db8:0:0:0:0:0:1", Fields.ipLiteral("2001:DB8::1", "1"));
    }

    @Test
    void acceptsLongestIpv6Text() throws Exception {
        assertEquals("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
                Fields.ipLiteral("2001:0db8:ffff:ffff:ffff:ffff:255.255.255.255", "1"));
    }

    @Test
    void rejectsLocalhost() {
        assertBadAddress("localhost");
    }

    @Test
    void rejectsDomainName() {
        assertBadAddress("example.com");
    }

    @Test
    void rejectsHostNameMadeOfHexLetters() {
        assertBadAddress("cafe");
    }

    @Test
    void rejectsIpv4OctetAbove255() {
        assertBadAddress("256.1.1.1");
    }

    @Test
    void rejectsIpv4WithThreeParts() {
        assertBadAddress("1.2.3");
    }

    @Test
    void rejectsIpv4WithFiveParts() {
        assertBadAddress("1.2.3.4.5");
    }

    @Test
    void rejectsIpv4WithLeadingZeroOctet() {
        assertBadAddress("010.0.0.1");
    }

    @Test
    void rejectsIpv4WithTrailingDot() {
        assertBadAddress("1.2.3.4.");
    }

    @Test
    void rejectsIpv4AsOneDecimalNumber() {
        assertBadAddress("3232235786");
    }

    @Test
    void rejectsIpv4InHex() {
        assertBadAddress("0xC0A8010A");
    }

    @Test
    void rejectsIpv4WithPort() {
        assertBadAddress("1.2.3.4:80");
    }

    @Test
    void rejectsEmptyAddress() {
        assertBadAddress("");
    }

    @Test
    void rejectsEmptyBrackets() {
        assertBadAddress("[]");
    }

    @Test
    void rejectsIpv6WithNonHexDigit() {
        assertBadAddress("::g");
    }

    @Test
    void rejectsIpv6WithTooManyGroups() {
        assertBadAddress("1:2:3:4:5:6:7:8:9");
    }

    @Test
    void rejectsIpv6WithTwoDoubleColons() {
        assertBadAddress("1::2::3");
    }

    @Test
    void rejectsIpv6WithZoneId() {
        assertBadAddress("fe80::1%eth0");
    }

    @Test
    void rejectsUnclosedBracket() {
        assertBadAddress("[::1");
    }

    @Test
    void rejectsHexWordWithColon() {
        assertBadAddress("abc:");
    }

    @Test
    void rejectedHostNamesAreNeverLookedUp() throws Throwable {
        List<String> lookups = lookupsDuring(() -> {
            for (String text : List.of("localhost", "example.com", "cafe", "1.2.3", "3232235786", "abc:", "1:2")) {
                assertBadAddress(text);
            }
        });
        assertEquals(List.of(), lookups);
    }

    @Test
    void rejectsLeadingDotWithoutLookingItUp() throws Throwable {
        List<String> lookups = lookupsDuring(() -> {
            assertBadAddress(".:");
            assertBadAddress(".::1");
            assertBadAddress("[.::1]");
            assertBadAddress("..:");
            assertBadAddress(".a:b");
            assertBadAddress("::.");
        });
        assertEquals(List.of(), lookups);
    }

    // ---- roles ----

    @Test
    void parsesEveryRoleAsWritten() throws Exception {
        assertEquals(Role.OWNER, Role.parse("OWNER", "1"));
        assertEquals(Role.STORAGE, Role.parse("STORAGE", "1"));
        assertEquals(Role.BOTH, Role.parse("BOTH", "1"));
    }

    @Test
    void rejectsLowerCaseRole() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Role.parse("both", "8"));
        assertEquals(Reason.BAD_ROLE, e.reason());
        assertEquals("8", e.rq());
    }

    @Test
    void rejectsUnknownRole() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Role.parse("ADMIN", "8"));
        assertEquals(Reason.BAD_ROLE, e.reason());
    }

    @Test
    void rolesSayWhetherTheyStoreAndOwn() {
        assertTrue(Role.OWNER.owns());
        assertFalse(Role.OWNER.stores());
        assertTrue(Role.STORAGE.stores());
        assertFalse(Role.STORAGE.owns());
        assertTrue(Role.BOTH.owns());
        assertTrue(Role.BOTH.stores());
    }

    // ---- checksums ----

    @Test
    void sha256OfAbcIsTheKnownVector() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc"));
    }

    @Test
    void sha256OfNothingIsTheKnownVector() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0]));
    }

    @Test
    void sha256OfTextIsThatOfItsUtf8Bytes() {
        assertEquals(Sha256.hex("é".getBytes(StandardCharsets.UTF_8)), Sha256.hex("é"));
        assertEquals(Sha256.hex(new byte[] {(byte) 0xC3, (byte) 0xA9}), Sha256.hex("é"));
    }

    @Test
    void sha256HexIsAValidChecksumField() throws Exception {
        String hex = Sha256.hex("chunk");
        assertEquals(hex, Numbers.checksum(hex, "1"));
    }

    @Test
    void rejectsUpperCaseChecksum() {
        String upper = Sha256.hex("chunk").toUpperCase(java.util.Locale.ROOT);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> Numbers.checksum(upper, "2"));
        assertEquals(Reason.BAD_CHECKSUM, e.reason());
    }

    // ---- file names ----

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
