package p2pbrs.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import p2pbrs.protocol.Message;
import p2pbrs.protocol.Signatures;
import p2pbrs.store.PrivateFiles;

/**
 * The server's own secrets, kept in a file beside its database that only its user can
 * read ({@code <db>.keys}, docs/schema.md): the admin key, with which the operator
 * commands run on the server's machine sign their requests, and the seal key, with which
 * ticket keys are stored in the database (so that a copy of the database alone cannot
 * mint tickets). Made once, at the first start, and never changed.
 */
public final class ServerKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] SEAL_CONTEXT = "p2pbrs sealed ticket key".getBytes(StandardCharsets.US_ASCII);

    private final byte[] adminKey;
    private final byte[] sealKey;

    private ServerKeys(byte[] adminKey, byte[] sealKey) {
        this.adminKey = adminKey;
        this.sealKey = sealKey;
    }

    /** {@code <db>.keys}: the file beside the database (an H2 path without extension). */
    public static Path file(Path db) {
        Path absolute = db.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".keys");
    }

    /** The keys of the server with this database, made on the first call. */
    static ServerKeys loadOrCreate(Path db) throws IOException {
        Path file = file(db);
        if (!Files.exists(file)) {
            PrivateFiles.createFolder(file.getParent());
            String text = "# P2PBRS server keys: keep this file secret, and with the database.\n"
                    + "admin_key=" + HexFormat.of().formatHex(random()) + "\n"
                    + "seal_key=" + HexFormat.of().formatHex(random()) + "\n";
            PrivateFiles.writeAtomically(file, text);
        }
        PrivateFiles.restrict(file);
        return load(db);
    }

    /** The keys of an existing server; fails when the file is missing or unreadable. */
    public static ServerKeys load(Path db) throws IOException {
        Map<String, String> values = readKeyValues(file(db));
        String admin = values.get("admin_key");
        String seal = values.get("seal_key");
        if (admin == null || seal == null || admin.length() != 2 * KEY_BYTES || seal.length() != 2 * KEY_BYTES) {
            throw new IOException(file(db) + " is not a server key file");
        }
        return new ServerKeys(HexFormat.of().parseHex(admin), HexFormat.of().parseHex(seal));
    }

    /** Reads a file of {@code key=value} lines ({@code #} starts a comment). */
    static Map<String, String> readKeyValues(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    /** An operator's request, signed with the admin key (the {@code auth=} option). */
    public Message sign(Message unsigned) {
        return Signatures.sign(adminKey, unsigned);
    }

    /** Whether an operator's request is signed with the admin key. */
    boolean verify(Message signed) {
        return Signatures.verify(adminKey, signed);
    }

    /** A ticket key (hex) sealed for the database: AES-256-GCM, a fresh nonce each time. */
    String seal(String ticketKeyHex) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(SEAL_CONTEXT);
            byte[] sealed = cipher.doFinal(HexFormat.of().parseHex(ticketKeyHex));
            return HexFormat.of().formatHex(nonce) + HexFormat.of().formatHex(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES-GCM", e);
        }
    }

    /** The ticket key (hex) inside a sealed value; fails when it was sealed with another key or altered. */
    String open(String sealedHex) {
        byte[] all = HexFormat.of().parseHex(sealedHex);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sealKey, "AES"),
                    new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(SEAL_CONTEXT);
            return HexFormat.of().formatHex(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed ticket key does not open: the key file does not belong to "
                    + "this database", e);
        }
    }

    private static byte[] random() {
        byte[] b = new byte[KEY_BYTES];
        RANDOM.nextBytes(b);
        return b;
    }
}
