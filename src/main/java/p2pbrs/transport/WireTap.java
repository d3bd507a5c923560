package p2pbrs.transport;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Shows protocol messages as they cross the wire, for the demo and for debugging. Off
 * unless a listener is set. Secrets are masked before anything is shown: the values of the
 * options token=, ticket= and invite=, and the ticket that ends each peer list entry
 * (Name:IP:TCP_Port:Ticket) of BACKUP_PLAN and RESTORE_PLAN.
 */
public final class WireTap {
    private static final String MASK = "…";
    // An option is a word of its own; its whole value goes, whatever it looks like.
    private static final Pattern SECRET_OPTION = Pattern.compile("(?<=^| )(token|ticket|invite)=[^ ]*");
    // The messages whose Peer_List (the fourth word: COMMAND RQ# File_Name [..]) holds tickets.
    private static final Pattern PLAN = Pattern.compile("(BACKUP_PLAN|RESTORE_PLAN) ");
    private static final int PEER_LIST_WORD = 3;
    private static volatile Consumer<String> listener;

    private WireTap() {
    }

    public static void listen(Consumer<String> newListener) {
        listener = newListener;
    }

    public static void sent(String who, String line) {
        show(who, "->", line);
    }

    public static boolean enabled() {
        return listener != null;
    }

    private static void show(String who, String direction, String line) {
        Consumer<String> l = listener;
        if (l != null) {
            l.accept(String.format("%-8s %s %s", who, direction, mask(line)));
        }
    }

    private static String mask(String line) {
        String masked = SECRET_OPTION.matcher(line).replaceAll("$1=" + MASK);
        if (!PLAN.matcher(masked).lookingAt()) {
            return masked;
        }
        String[] words = masked.split(" ", -1);
        if (words.length > PEER_LIST_WORD) {
            words[PEER_LIST_WORD] = maskTickets(words[PEER_LIST_WORD]);
        }
        return String.join(" ", words);
    }

    /** [Name:IP:TCP_Port:Ticket,...] with every ticket masked; an IPv6 IP has colons too, so the last one counts. */
    private static String maskTickets(String list) {
        if (list.length() < 2 || !list.startsWith("[") || !list.endsWith("]")) {
            return MASK;
        }
        String inner = list.substring(1, list.length() - 1);
        if (inner.isEmpty()) {
            return list;
        }
        StringBuilder out = new StringBuilder("[");
        for (String entry : inner.split(",", -1)) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(entry, 0, entry.lastIndexOf(':') + 1).append(MASK);
        }
        return out.append(']').toString();
    }
}
