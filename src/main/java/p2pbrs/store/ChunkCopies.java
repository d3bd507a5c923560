package p2pbrs.store;

import java.util.List;

/** A chunk of a complete version, and the peers holding a good copy of it. */
public record ChunkCopies(int idx, long size, String checksum, List<PlanSlot> holders) {
}
