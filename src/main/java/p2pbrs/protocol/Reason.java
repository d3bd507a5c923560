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

    // Denials.
    public static final String NAME_TAKEN = "Name-taken";
    public static final String MISSING_TOKEN = "Missing-token";
    public static final String BAD_TOKEN = "Bad-token";
    public static final String UNKNOWN_NAME = "Unknown-name";

    // The server could not do it now; the sender may retry later.
    public static final String SERVER_ERROR = "Server-error";

    private Reason() {
    }
}
