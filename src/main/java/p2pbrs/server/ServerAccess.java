package p2pbrs.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import p2pbrs.store.PrivateFiles;

/**
 * How the commands run on the server's machine reach the running server: a file beside
 * its database ({@code <db>.access}, readable by the server's user only), rewritten at
 * every start. docs/schema.md, "Folders".
 */
public final class ServerAccess {
    private ServerAccess() {
    }

    public static Path file(Path db) {
        Path absolute = db.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".access");
    }

    /** Records where the server listens; a wildcard bind address is reached on loopback. */
    static void write(Path db, String bindAddress, int udpPort) throws IOException {
        String host = switch (bindAddress) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> bindAddress;
        };
        PrivateFiles.writeAtomically(file(db), "# Where the P2PBRS server of this database listens.\n"
                + "udp=" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + udpPort + "\n");
    }

    /** The server's UDP address, as its last start recorded it. */
    public static InetSocketAddress udp(Path db) throws IOException {
        Path file = file(db);
        if (!Files.exists(file)) {
            throw new IOException("no server has run with the database " + db + " (" + file + " is missing)");
        }
        String udp = ServerKeys.readKeyValues(file).get("udp");
        int colon = udp == null ? -1 : udp.lastIndexOf(':');
        if (colon <= 0) {
            throw new IOException(file + " does not say where the server listens");
        }
        String host = udp.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(java.net.InetAddress.getByName(host), Integer.parseInt(udp.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds a bad port: " + udp, e);
        }
    }
}
