package p2pbrs.peer;

import java.util.ArrayList;
import java.util.List;

/** Splits a shell line into words at spaces; double quotes keep a word with spaces together. */
final class Words {
    private Words() {
    }

    static List<String> split(String line) throws PeerException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inQuotes = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
                inWord = true;
            } else if (Character.isWhitespace(c) && !inQuotes) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inQuotes) {
            throw new PeerException("unbalanced double quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
