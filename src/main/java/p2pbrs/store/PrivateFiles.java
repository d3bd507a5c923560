package p2pbrs.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders that hold secrets (databases with tokens, the server's key file) are
 * readable by their user only. On a file system without POSIX permissions nothing can be
 * set, and these calls do nothing more than create.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Creates the folder (and missing parents) readable by this user only; an existing one is left as it is. */
    public static void createFolder(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Path parent = folder.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(parent)) {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER));
            } else {
                Files.createDirectory(folder);
            }
        } catch (FileAlreadyExistsException e) {
            // Created meanwhile by another process: as good.
        }
    }

    /** Creates an empty file readable by this user only, unless it exists; then restricts it. */
    public static void createFile(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(file.toAbsolutePath().getParent()));
        } catch (FileAlreadyExistsException e) {
            restrict(file);
        }
    }

    /** Takes every permission but the owner's read and write away from an existing file. */
    public static void restrict(Path file) throws IOException {
        if (Files.exists(file) && posix(file)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /**
     * Writes text to the file atomically (a private temporary file, fsynced, renamed over
     * the target), so that a reader never sees half of it and nobody else can read it.
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(folder, "." + file.getFileName(), ".tmp", attributes(folder));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static FileAttribute<?>[] attributes(Path folder) {
        return posix(folder) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }

    private static boolean posix(Path anyPath) {
        return anyPath != null && Files.getFileAttributeView(anyPath, PosixFileAttributeView.class) != null;
    }
}
