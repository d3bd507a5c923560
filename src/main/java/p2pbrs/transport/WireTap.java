package p2pbrs.transport;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Shows protocol messages as they cross the wire, for the demo and for debugging. Off
 * unless a listener is set. Secrets (tokens, tickets) are masked before anything is shown.
 */
public final class WireTap {
    private static final Pattern SECRET = Pattern.compile("\\b(token|ticket)=[0-9a-f]+");
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
            l.accept(String.format("%-8s %s %s", who, direction, SECRET.matcher(line).replaceAll("$1=…")));
        }
    }
}
