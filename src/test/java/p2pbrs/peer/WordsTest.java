package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shell's line splitting: words at spaces, double quotes keep spaces inside a word. */
class WordsTest {
    @Test
    void splitsAtSpaces() throws Exception {
        assertEquals(List.of("restore", "a.txt", "2"), Words.split("restore a.txt 2"));
    }

    @Test
    void runsOfSpacesSeparateOnce() throws Exception {
        assertEquals(List.of("restore", "a", "2"), Words.split("restore   a  2"));
    }

    @Test
    void ignoresLeadingAndTrailingSpaces() throws Exception {
        assertEquals(List.of("list"), Words.split("   list  "));
    }

    @Test
    void emptyLineHasNoWords() throws Exception {
        assertEquals(List.of(), Words.split(""));
    }

    @Test
    void blankLineHasNoWords() throws Exception {
        assertEquals(List.of(), Words.split("    "));
    }

    @Test
    void quotesKeepAWordWithSpacesTogether() throws Exception {
        assertEquals(List.of("backup", "my file.txt"), Words.split("backup \"my file.txt\""));
    }

    @Test
    void quotesKeepEverySpaceInside() throws Exception {
        assertEquals(List.of("a  b "), Words.split("\"a  b \""));
    }

    @Test
    void quotedWordMayComeFirst() throws Exception {
        assertEquals(List.of("two words", "x"), Words.split("\"two words\" x"));
    }

    @Test
    void quotesJoinWithAdjacentText() throws Exception {
        assertEquals(List.of("ab c"), Words.split("a\"b c\""));
        assertEquals(List.of("a bc"), Words.split("\"a b\"c"));
    }

    @Test
    void emptyQuotesMakeAnEmptyWord() throws Exception {
        assertEquals(List.of("x", "", "y"), Words.split("x \"\" y"));
    }

    @Test
    void twoQuotedPartsMakeOneWord() throws Exception {
        assertEquals(List.of("a b"), Words.split("\"a\"\" b\""));
    }

    @Test
    void nonAsciiTextIsKept() throws Exception {
        assertEquals(List.of("backup", "résumé ✓.txt"), Words.split("backup \"résumé ✓.txt\""));
    }

    @Test
    void rejectsUnbalancedQuote() {
        assertThrows(PeerException.class, () -> Words.split("backup \"oops"));
    }

    @Test
    void rejectsLoneQuote() {
        assertThrows(PeerException.class, () -> Words.split("\""));
    }

    @Test
    void rejectsThirdQuote() {
        assertThrows(PeerException.class, () -> Words.split("\"a\" \"b"));
    }

    @Test
    void rejectsQuoteLeftOpenAtEndOfWord() {
        assertThrows(PeerException.class, () -> Words.split("backup file\""));
    }
}
