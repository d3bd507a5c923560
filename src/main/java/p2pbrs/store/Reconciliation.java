package p2pbrs.store;

/**
 * What reconciling one inventory did: copies found lost, chunk files to be adopted
 * (indexed again on the peer and recorded as copies), and checksums nobody needs, to be
 * released.
 */
public record Reconciliation(int lost, int adopt, int orphans) {
}
