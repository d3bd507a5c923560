package p2pbrs.bench;

/**
 * What the server process wrote (Linux: /proc/PID/io, syscw and wchar: its write calls
 * and the bytes they carried, to its database and log; datagrams leave through sendto,
 * which these do not count), or unknown (-1) where the system does not say. A commit of
 * the server's database writes the pages it changed in a call or two, so per request
 * these count commits and their size far more steadily than CPU time on a shared machine.
 */
record ServerWrites(long calls, long bytes) {
    static final ServerWrites UNKNOWN = new ServerWrites(-1, -1);

    boolean known() {
        return calls >= 0 && bytes >= 0;
    }

    ServerWrites minus(ServerWrites earlier) {
        return known() && earlier.known() ? new ServerWrites(calls - earlier.calls, bytes - earlier.bytes) : UNKNOWN;
    }
}
