package p2pbrs.peer;

import p2pbrs.protocol.Message;
import p2pbrs.protocol.Reason;

/** How a peer reads the server's answer to a report it owes and keeps until answered (STORE_ACK, CHUNK_BAD). */
final class ReportAnswers {
    private ReportAnswers() {
    }

    /**
     * Whether a reply settles the report for good: ACK, or a refusal that sending it again
     * cannot change (the version is unknown, the chunk not planned or not held there, the
     * message unreadable to the server). A refusal of this peer's token, or a server error,
     * may pass: the report is tried again.
     */
    static boolean settles(Message reply) {
        return switch (reply.command()) {
            case ACK -> true;
            // Both carry exactly one field, the Reason.
            case ACK_DENIED -> !mayPass(reply.field(0));
            case ERROR -> !Reason.SERVER_ERROR.equals(reply.field(0));
            default -> false;
        };
    }

    private static boolean mayPass(String reason) {
        return Reason.MISSING_TOKEN.equals(reason) || Reason.BAD_TOKEN.equals(reason)
                || Reason.SERVER_ERROR.equals(reason);
    }
}
