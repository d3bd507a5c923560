package p2pbrs.bench;

import p2pbrs.protocol.Role;

/** A simulated peer: its name, token and role, the port it registers, and the public id the server gave it. */
final class MetaPeer {
    private final String name;
    private final String token;
    private final Role role;
    private final int udpPort;
    private volatile String publicId;

    MetaPeer(String name, String token, Role role, int udpPort) {
        this.name = name;
        this.token = token;
        this.role = role;
        this.udpPort = udpPort;
    }

    String name() {
        return name;
    }

    String token() {
        return token;
    }

    Role role() {
        return role;
    }

    int udpPort() {
        return udpPort;
    }

    String publicId() {
        return publicId;
    }

    void registeredAs(String id) {
        publicId = id;
    }
}
