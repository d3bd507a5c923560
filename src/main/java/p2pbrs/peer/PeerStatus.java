package p2pbrs.peer;

/**
 * What the shell's {@code status} shows: this peer's registration, its liveness as the
 * server sees it (null while it is not registered or the server does not list it), and
 * what it stores for others, and what its last scrub found (null before the first, and
 * for a peer that stores nothing), and the most memory its process has used.
 */
public record PeerStatus(String name, String role, boolean registered, String server, String state, int chunks,
                         long bytesStored, long capacity, ScrubReport lastScrub, MemoryPeaks memory) {
}
