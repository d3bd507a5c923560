package p2pbrs.store;

import p2pbrs.protocol.Role;

/** What a peer declares when it registers: where it is and what it offers. */
public record PeerInfo(String name, Role role, String ip, int udpPort, int tcpPort, long capacity) {
}
