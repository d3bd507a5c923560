package p2pbrs.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code <db>.keys} beside a peer's database (docs/schema.md): the key that opens the data
 * key stored wrapped in the database. Kept apart from the database so that a copy of the
 * database alone decrypts nothing; readable by this user only, written atomically.
 */
public final class PeerKeyFile {
    private static final String PREFIX = "wrap=";
    private final Path file;

    public PeerKeyFile(Path db) {
        Path absolute = db.toAbsolutePath().normalize();
        this.file = absolute.resolveSibling(absolute.getFileName() + ".keys");
    }

    public Path path() {
        return file;
    }

    /** The wrapping key, or empty when there is no key file. */
    public Optional<byte[]> read() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(PREFIX) && line.substring(PREFIX.length()).trim().matches("[0-9a-f]{64}")) {
                return Optional.of(HexFormat.of().parseHex(line.substring(PREFIX.length()).trim()));
            }
        }
        throw new IOException("the key file " + file + " holds no key (wrap=<64 hex digits>)");
    }

    /** Writes the wrapping key, replacing any before. */
    public void write(byte[] wrappingKey) throws IOException {
        PrivateFiles.createFolder(file.getParent());
        PrivateFiles.writeAtomically(file, "# P2PBRS peer key file: opens the data key in the database beside it.\n"
                + "# Keep it secret; without it, or the recovery key, the backups cannot be read.\n"
                + PREFIX + HexFormat.of().formatHex(wrappingKey) + "\n");
    }
}
