package p2pbrs.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names on the wire: every byte of the UTF-8 name outside {@code A-Za-z0-9-._~} is
 * written {@code %XX}; a name is 1 to 255 bytes. A file name is a name, never a path: it
 * may not contain '/', '\', NUL or control characters, nor be "." or "..".
 */
public final class FileNames {
    public static final int MAX_BYTES = 255;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private FileNames() {
    }

    /** The wire form of a valid name. */
    public static String encode(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (unreserved(c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return sb.toString();
    }

    /** The name a wire field stands for; refuses anything that is not a plain file name. */
    public static String decode(String wire, String rq) throws MalformedMessageException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(wire.length());
        for (int i = 0; i < wire.length(); i++) {
            char c = wire.charAt(i);
            if (c == '%') {
                if (i + 2 >= wire.length()) {
                    throw bad(rq, "truncated %-escape");
                }
                int hi = Character.digit(wire.charAt(i + 1), 16);
                int lo = Character.digit(wire.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad(rq, "bad %-escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 128 && unreserved(c)) {
                bytes.write(c);
            } else {
                throw bad(rq, "character must be %-encoded");
            }
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw bad(rq, "not UTF-8");
        }
        String problem = problem(name);
        if (problem != null) {
            throw bad(rq, problem);
        }
        // One name, one spelling: tickets and indexes compare the wire form as text.
        if (!encode(name).equals(wire)) {
            throw bad(rq, "not the canonical encoding (upper-case %XX, unreserved bytes as is)");
        }
        return name;
    }

    /** Why a name is not acceptable, or null when it is. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "empty file name";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "file name longer than " + MAX_BYTES + " bytes";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'.' and '..' are not file names";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c == 0 || Character.isISOControl(c)) {
                return "a file name is a name, not a path: no '/', '\\' or control characters";
            }
        }
        return null;
    }

    private static boolean unreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static MalformedMessageException bad(String rq, String detail) {
        return new MalformedMessageException(rq, Reason.BAD_FILE_NAME, detail);
    }
}
