package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordsTest {
    @Test
    void splitsAtSpacesAndKeepsQuotedWordsTogether() throws Exception {
        assertEquals(List.of("backup", "my file.txt"), Words.split("backup \"my file.txt\""));
        assertEquals(List.of("restore", "a", "2"), Words.split("  restore   a 2 "));
        assertEquals(List.of("x", ""), Words.split("x \"\""));
        assertEquals(List.of("ab c"), Words.split("a\"b c\""));
        assertEquals(List.of(), Words.split("   "));
    }

    @Test
    void refusesAnUnbalancedQuote() {
        assertThrows(PeerException.class, () -> Words.split("backup \"oops"));
    }
}
