package p2pbrs.protocol;

import java.util.Locale;

/**
 * A complete version's health, as {@code FILES_OK} gives it and fsck counts it: missing
 * when a chunk has no good copy that can be read, under-replicated when a chunk has fewer
 * live good copies than wanted, healthy otherwise. docs/protocol.md, "Restore".
 */
public enum VersionHealth {
    HEALTHY, UNDER_REPLICATED, MISSING;

    /** The word on the wire: {@code healthy}, {@code under-replicated}, {@code missing}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The health this word names. */
    public static VersionHealth parse(String text, String rq) throws MalformedMessageException {
        for (VersionHealth h : values()) {
            if (h.wire().equals(text)) {
                return h;
            }
        }
        throw new MalformedMessageException(rq, Reason.BAD_LIST, "not a version's health: " + text);
    }
}
