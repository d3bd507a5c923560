package p2pbrs.protocol;

import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Filling one datagram: every list that could outgrow a datagram (LIST, FILES, restore
 * plans, chunk checksums) is sent in pages, each as full as it can be.
 */
public final class Pages {
    private Pages() {
    }

    /**
     * The largest n, from 0 to available, such that the message built with the first n
     * items fits one datagram. The builder writes whatever a page of n items carries (a
     * {@code next=} cursor when n < available), so that what is measured is what is sent.
     */
    public static int fitting(int available, IntFunction<Message> page) {
        int n = 0;
        while (n < available && fits(page.apply(n + 1))) {
            n++;
        }
        return n;
    }

    public static boolean fits(Message message) {
        return Codec.format(message).getBytes(StandardCharsets.UTF_8).length < Codec.MAX_DATAGRAM_BYTES;
    }
}
