package p2pbrs.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Peer names: 1-64 ASCII characters, first a letter or digit, then letters, digits, '.', '_', '-'. */
class PeerNamesTest {
    @Test
    void acceptsCourseName() {
        assertTrue(PeerNames.isValid("Alice"));
    }

    @Test
    void acceptsSingleLetter() {
        assertTrue(PeerNames.isValid("a"));
    }

    @Test
    void acceptsSingleDigit() {
        assertTrue(PeerNames.isValid("7"));
    }

    @Test
    void acceptsDotsUnderscoresAndHyphensAfterTheFirstCharacter() {
        assertTrue(PeerNames.isValid("Node-1.b_c"));
        assertTrue(PeerNames.isValid("a-"));
        assertTrue(PeerNames.isValid("a."));
        assertTrue(PeerNames.isValid("a_"));
    }

    @Test
    void accepts64Characters() {
        assertTrue(PeerNames.isValid("x".repeat(PeerNames.MAX_LENGTH)));
        assertEquals(64, PeerNames.MAX_LENGTH);
    }

    @Test
    void rejects65Characters() {
        assertFalse(PeerNames.isValid("x".repeat(65)));
    }

    @Test
    void rejectsEmptyName() {
        assertFalse(PeerNames.isValid(""));
    }

    @Test
    void rejectsNull() {
        assertFalse(PeerNames.isValid(null));
    }

    @Test
    void rejectsLeadingHyphen() {
        assertFalse(PeerNames.isValid("-a"));
    }

    @Test
    void rejectsLeadingDot() {
        assertFalse(PeerNames.isValid(".a"));
    }

    @Test
    void rejectsLeadingUnderscore() {
        assertFalse(PeerNames.isValid("_a"));
    }

    @Test
    void rejectsSpace() {
        assertFalse(PeerNames.isValid("a b"));
    }

    @Test
    void rejectsColonThatWouldSplitAListEntry() {
        assertFalse(PeerNames.isValid("a:b"));
    }

    @Test
    void rejectsCommaThatWouldSplitAList() {
        assertFalse(PeerNames.isValid("a,b"));
    }

    @Test
    void rejectsSlash() {
        assertFalse(PeerNames.isValid("a/b"));
    }

    @Test
    void rejectsEqualsSignThatWouldMakeAnOption() {
        assertFalse(PeerNames.isValid("a=b"));
    }

    @Test
    void rejectsNonAsciiLetter() {
        assertFalse(PeerNames.isValid("é"));
        assertFalse(PeerNames.isValid("Zoë"));
    }

    @Test
    void rejectsKelvinSignThatLooksLikeK() {
        assertFalse(PeerNames.isValid("\u212Aate"));
    }

    @Test
    void rejectsFullwidthLetters() {
        assertFalse(PeerNames.isValid("\uFF21lice"));
    }

    @Test
    void rejectsTrailingNewline() {
        assertFalse(PeerNames.isValid("Alice\n"));
    }

    @Test
    void checkReturnsTheNameAsWritten() throws Exception {
        assertEquals("AlIcE", PeerNames.check("AlIcE", "1"));
    }

    @Test
    void checkReportsBadNameWithTheRq() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> PeerNames.check("-x", "33"));
        assertEquals(Reason.BAD_NAME, e.reason());
        assertEquals("33", e.rq());
    }

    @Test
    void checkRefusesNull() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> PeerNames.check(null, "1"));
        assertEquals(Reason.BAD_NAME, e.reason());
    }

    @Test
    void keyIgnoresCase() {
        assertEquals(PeerNames.key("Alice"), PeerNames.key("aLiCe"));
        assertEquals(PeerNames.key("ALICE"), PeerNames.key("alice"));
    }

    @Test
    void keyKeepsDifferentNamesApart() {
        assertNotEquals(PeerNames.key("Alice"), PeerNames.key("Alicia"));
        assertNotEquals(PeerNames.key("node-1"), PeerNames.key("node_1"));
    }

    @Test
    void keyIgnoresTurkishDefaultLocale() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertEquals("title", PeerNames.key("TITLE"));
            assertEquals(PeerNames.key("IRIS"), PeerNames.key("iris"));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
