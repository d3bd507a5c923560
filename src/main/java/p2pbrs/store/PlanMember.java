package p2pbrs.store;

/** One peer of a backup plan: its slot in the placement rule and its row. */
public record PlanMember(int slot, long peerId) {
}
