package p2pbrs.protocol;

import java.util.ArrayList;
import java.util.List;

/** Lists on the wire: {@code [a,b,c]}, {@code []} when empty; no item contains ',' or a space. */
public final class WireList {
    private WireList() {
    }

    public static String format(List<String> items) {
        return "[" + String.join(",", items) + "]";
    }

    public static List<String> parse(String text, String rq) throws MalformedMessageException {
        if (text.length() < 2 || text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']') {
            throw new MalformedMessageException(rq, Reason.BAD_LIST, "a list is written [a,b,c]");
        }
        String inner = text.substring(1, text.length() - 1);
        List<String> items = new ArrayList<>();
        if (inner.isEmpty()) {
            return items;
        }
        for (String item : inner.split(",", -1)) {
            if (item.isEmpty()) {
                throw new MalformedMessageException(rq, Reason.BAD_LIST, "empty list item");
            }
            items.add(item);
        }
        return items;
    }
}
