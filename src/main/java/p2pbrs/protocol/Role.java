package p2pbrs.protocol;

/** What a peer does: backs its own files up, keeps chunks for others, or both. */
public enum Role {
    OWNER, STORAGE, BOTH;

    public boolean stores() {
        return this != OWNER;
    }

    public boolean owns() {
        return this != STORAGE;
    }

    /** Parses the wire form (upper case, as the course writes it). */
    public static Role parse(String text, String rq) throws MalformedMessageException {
        for (Role r : values()) {
            if (r.name().equals(text)) {
                return r;
            }
        }
        throw new MalformedMessageException(rq, Reason.BAD_ROLE, "role is OWNER, STORAGE or BOTH");
    }
}
