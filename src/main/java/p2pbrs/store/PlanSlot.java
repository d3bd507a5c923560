package p2pbrs.store;

/** One storage peer of a plan, at its slot of the placement rule. */
public record PlanSlot(int slot, long peerId, String name, String ip, int tcpPort, String sealedTicketKey) {
}
