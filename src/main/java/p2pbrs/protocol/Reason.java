package p2pbrs.protocol;

/**
 * The Reasons carried by denials and ERROR replies. docs/protocol.md lists them with
 * their meaning; a Reason is one word or words joined by hyphens, never a space.
 */
public final class Reason {
    // Malformed datagrams (ERROR).
    public static final String EMPTY_DATAGRAM = "Empty-datagram";
    public static final String DATAGRAM_TOO_LARGE = "Datagram-too-large";
    public static final String NOT_UTF8 = "Not-UTF8";
    public static final String BAD_CHARACTER = "Bad-character";
    public static final String BAD_SPACING = "Bad-spacing";
    public static final String BAD_RQ = "Bad-RQ";
    public static final String UNKNOWN_COMMAND = "Unknown-command";
    public static final String NOT_SERVED = "Not-served";
    public static final String WRONG_FIELD_COUNT = "Wrong-field-count";
    public static final String BAD_OPTION = "Bad-option";
    public static final String BAD_NAME = "Bad-name";
    public static final String BAD_ROLE = "Bad-role";
    public static final String BAD_ADDRESS = "Bad-address";
    public static final String BAD_PORT = "Bad-port";
    public static final String BAD_SIZE = "Bad-size";
    public static final String BAD_LIST = "Bad-list";

    public static final String BAD_FILE_NAME = "Bad-file-name";
    public static final String BAD_NUMBER = "Bad-number";
    public static final String BAD_CHECKSUM = "Bad-checksum";
    public static final String BAD_OWNER = "Bad-owner";
    public static final String BAD_REASON = "Bad-reason";

    // Denials.
    public static final String NAME_TAKEN = "Name-taken";
    public static final String MISSING_TOKEN = "Missing-token";
    public static final String BAD_TOKEN = "Bad-token";
    public static final String UNKNOWN_NAME = "Unknown-name";
    public static final String NOT_AN_OWNER = "Not-an-owner";
    public static final String NO_STORAGE_PEER = "No-storage-peer";
    public static final String NO_CAPACITY = "No-capacity";
    public static final String UNKNOWN_FILE = "Unknown-file";
    public static final String UNKNOWN_VERSION = "Unknown-version";
    public static final String NOT_PENDING = "Not-pending";
    public static final String NOT_PLANNED = "Not-planned";
    public static final String NOT_HOLDER = "Not-holder";
    public static final String MISSING_SUMS = "Missing-sums";
    public static final String AWAITING_ACKS = "Awaiting-acks";
    public static final String CHECKSUM_MISMATCH = "Checksum-mismatch";
    public static final String TOKEN_IN_USE = "Token-in-use";
    public static final String INVITE_REQUIRED = "Invite-required";
    public static final String INVITE_UNKNOWN = "Invite-unknown";
    public static final String INVITE_USED = "Invite-used";
    public static final String INVITE_EXPIRED = "Invite-expired";
    public static final String INVITE_ROLE = "Invite-role";
    public static final String RATE_LIMITED = "Rate-limited";
    public static final String TOO_MANY_PENDING = "Too-many-pending";
    public static final String WRONG_CLUSTER = "Wrong-cluster";
    public static final String NOT_COMPLETE = "Not-complete";
    public static final String BAD_AUTH = "Bad-auth";
    public static final String UNKNOWN_CHUNK = "Unknown-chunk";
    public static final String TOO_MANY_SUBSTITUTES = "Too-many-substitutes";
    public static final String NO_SUBSTITUTE = "No-substitute";

    // TCP chunk transfer (CHUNK_ERROR).
    public static final String BAD_TICKET = "Bad-ticket";
    public static final String TICKET_EXPIRED = "Ticket-expired";
    public static final String TOO_LARGE = "Too-large";
    public static final String INCOMPLETE_DATA = "Incomplete-data";
    public static final String STORAGE_FAILED = "Storage-failed";
    public static final String NO_SPACE = "No-space";
    public static final String NOT_FOUND = "Not-found";
    public static final String NOT_STORAGE = "Not-storage";
    public static final String BUSY = "Busy";

    // The server could not do it now; the sender may retry later.
    public static final String SERVER_ERROR = "Server-error";

    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");

    private Reason() {
    }

    /** A Reason another endpoint sent (RESTORE_FAIL): one word of letters, digits and hyphens, at most 64. */
    public static String check(String text, String rq) throws MalformedMessageException {
        if (text == null || !WORD.matcher(text).matches()) {
            throw new MalformedMessageException(rq, BAD_REASON, "a Reason is one word of letters, digits and "
                    + "hyphens, at most 64 characters");
        }
        return text;
    }
}
