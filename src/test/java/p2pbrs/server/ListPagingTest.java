package p2pbrs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static p2pbrs.server.UdpTestClient.nextRq;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pbrs.server.UdpTestClient.Entry;
import p2pbrs.server.UdpTestClient.Reply;

/** LIST pages a registry too long for one datagram: every page fits, nothing is lost or repeated. */
class ListPagingTest {
    private static final Comparator<String> BY_NAME = Comparator.comparing(n -> n.toLowerCase(Locale.ROOT));

    @TempDir
    static Path dir;

    private static MetadataServer server;
    /** Every peer registered on the server, by name, with its expected entry and its token. */
    private static final Map<String, Entry> entries = new LinkedHashMap<>();
    private static final Map<String, String> tokens = new LinkedHashMap<>();

    private UdpTestClient client;

    @BeforeAll
    static void registerFortyPeersWithLongNames() {
        server = startServer();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(40));
        try (UdpTestClient c = new UdpTestClient(server.udpPort())) {
            for (int i : order) {
                // Mixed case (p00-..., P01-..., p02-...), so that the order must ignore case.
                String head = (i % 2 == 0 ? "p" : "P") + String.format("%02d", i) + "-";
                String name = head + "abcdefghij".repeat(6).substring(0, 60 - head.length());
                Entry entry = new Entry(name, "BOTH", "10.0." + i + "." + (i + 1), 20000 + i, 30000 + i,
                        (long) (i + 1) << 30, "ALIVE");
                tokens.put(name, c.call("REGISTER " + nextRq() + " " + name + " BOTH " + entry.ip() + " "
                        + entry.udpPort() + " " + entry.tcpPort() + " " + (i + 1) + "GiB").token());
                entries.put(name, entry);
            }
        }
        assertTrue(entries.keySet().stream().allMatch(n -> n.length() == 60));
    }

    private static MetadataServer startServer() {
        try {
            return MetadataServer.start(ServerConfig.defaults(dir.resolve("server")).withOpenRegistration()
                    .withBindAddress("127.0.0.1").withUdpPort(0).withSqlPort(0));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openClient() {
        client = new UdpTestClient(server.udpPort());
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static String anyToken() {
        return tokens.values().iterator().next();
    }

    /** Pages through the whole list and checks each page and the whole. Returns the page count. */
    private int assertCompleteListing(List<Reply> pages) {
        List<Entry> seen = new ArrayList<>();
        for (int p = 0; p < pages.size(); p++) {
            Reply page = pages.get(p);
            assertTrue(page.length() < UdpTestClient.MAX_DATAGRAM_BYTES,
                    "page " + p + " is " + page.length() + " bytes");
            List<Entry> onPage = page.entries();
            assertTrue(!onPage.isEmpty() || pages.size() == 1, "an empty page in the middle of a listing");
            seen.addAll(onPage);
            if (p < pages.size() - 1) {
                assertNotNull(page.option("next"));
            } else {
                assertNull(page.option("next"), "the last page has no next=");
            }
        }
        List<String> expectedNames = new ArrayList<>(entries.keySet());
        expectedNames.sort(BY_NAME);
        List<String> seenNames = seen.stream().map(Entry::name).toList();
        assertEquals(expectedNames, seenNames, "every name once, sorted regardless of case");
        for (Entry e : seen) {
            assertEquals(entries.get(e.name()), e);
        }
        return pages.size();
    }

    @Test
    void fortyPeersWithSixtyCharacterNamesArePagedSortedAndComplete() {
        int pages = assertCompleteListing(client.listPages(anyToken()));
        assertTrue(pages >= 3, "40 entries of about 100 bytes need at least 3 datagrams, got " + pages);
    }

    @Test
    void theLongestEntriesUnderTheLongestRqStillFitADatagram() {
        // As long as an address's text gets; not ff00::/8, which is multicast and refused.
        String ip = "feff:ffff:ffff:ffff:ffff:ffff:ffff:fffe";
        for (int i = 0; i < 30; i++) {
            String name = String.format("z%02d", i) + "Y".repeat(61);
            Entry entry = new Entry(name, "STORAGE", ip, 65535, 65534, Long.MAX_VALUE, "ALIVE");
            tokens.put(name, client.call("REGISTER " + nextRq() + " " + name + " STORAGE " + ip
                    + " 65535 65534 " + Long.MAX_VALUE).token());
            entries.put(name, entry);
        }
        // Page by hand with nine-digit RQ#s, the longest there are.
        List<Reply> pages = new ArrayList<>();
        String after = null;
        int rq = 999_999_000;
        do {
            rq++;
            Reply page = client.call("LIST " + rq + " token=" + anyToken() + (after == null ? "" : " after=" + after));
            pages.add(page);
            after = page.option("next");
        } while (after != null && pages.size() < 100);
        assertCompleteListing(pages);
    }

    @Test
    void afterMayNameAPeerThatIsNotRegistered() {
        List<String> names = new ArrayList<>(entries.keySet());
        names.sort(BY_NAME);
        // "p20" sorts between p19-... and p20-...; case does not matter.
        for (String after : List.of("p20", "P20")) {
            List<String> rest = new ArrayList<>();
            String cursor = after;
            while (cursor != null) {
                Reply page = client.call("LIST " + nextRq() + " token=" + anyToken() + " after=" + cursor);
                page.entries().forEach(e -> rest.add(e.name()));
                cursor = page.option("next");
            }
            List<String> expected = names.stream()
                    .filter(n -> n.toLowerCase(Locale.ROOT).compareTo("p20") > 0).toList();
            assertEquals(expected, rest);
        }
        String last = names.get(names.size() - 1);
        String rq = nextRq();
        assertEquals("LIST_OK " + rq + " []", client.call("LIST " + rq + " token=" + anyToken() + " after=" + last)
                .text(), "nothing after the last name, and no next=");
    }

    @Test
    void pagingContinuesWhenThePeerNamedByNextLeaves() {
        Reply first = client.call("LIST " + nextRq() + " token=" + anyToken());
        String next = first.option("next");
        assertNotNull(next, first.text());
        assertTrue(entries.containsKey(next), "next= names a registered peer: " + next);
        String leaving = next;
        assertEquals("DE-REGISTERED", client.call("DE-REGISTER " + nextRq() + " " + leaving + " token="
                + tokens.get(leaving)).command());
        entries.remove(leaving);
        tokens.remove(leaving);

        List<String> seen = new ArrayList<>();
        first.entries().stream().map(Entry::name).filter(n -> !n.equals(leaving)).forEach(seen::add);
        String cursor = next;
        while (cursor != null) {
            Reply page = client.call("LIST " + nextRq() + " token=" + anyToken() + " after=" + cursor);
            page.entries().forEach(e -> seen.add(e.name()));
            cursor = page.option("next");
        }
        List<String> expected = new ArrayList<>(entries.keySet());
        expected.sort(BY_NAME);
        assertEquals(expected, seen);
        assertEquals(seen.size(), new HashSet<>(seen).size());
    }
}
