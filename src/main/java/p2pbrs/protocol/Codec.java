package p2pbrs.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Text to message and back, following the wire rules of docs/protocol.md: one message per
 * datagram, UTF-8, fields separated by single spaces, positional fields first, then
 * options {@code key=value}. Pure: no sockets, no clock.
 */
public final class Codec {
    /** Every datagram, request or reply, stays under this size (one Ethernet frame). */
    public static final int MAX_DATAGRAM_BYTES = 1400;

    private static final Pattern RQ = Pattern.compile("[0-9]{1,9}");
    private static final Pattern OPTION_KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final String NO_RQ = "0";

    private Codec() {
    }

    /** The wire text of a message (no trailing newline). */
    public static String format(Message message) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(message.command().wireName()).append(' ').append(message.rq());
        for (String field : message.fields()) {
            sb.append(' ').append(field);
        }
        for (Map.Entry<String, String> option : message.options().entrySet()) {
            sb.append(' ').append(option.getKey()).append('=').append(option.getValue());
        }
        return sb.toString();
    }

    /**
     * The datagram for a message.
     *
     * @throws IllegalArgumentException when it would not fit in one datagram; senders page
     *                                  anything that could grow, so this is a bug, not input
     */
    public static byte[] encode(Message message) {
        byte[] bytes = format(message).getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= MAX_DATAGRAM_BYTES) {
            throw new IllegalArgumentException("message of " + bytes.length + " bytes does not fit a datagram: "
                    + message.command().wireName());
        }
        return bytes;
    }

    public static Message decode(byte[] datagram) throws MalformedMessageException {
        return decode(datagram, 0, datagram.length);
    }

    public static Message decode(byte[] buf, int offset, int length) throws MalformedMessageException {
        if (length == 0) {
            throw new MalformedMessageException(NO_RQ, Reason.EMPTY_DATAGRAM, "empty datagram");
        }
        if (length >= MAX_DATAGRAM_BYTES) {
            throw new MalformedMessageException(NO_RQ, Reason.DATAGRAM_TOO_LARGE, length + " bytes");
        }
        return parse(decodeUtf8(buf, offset, length));
    }

    /** Parses one message from its text; a single trailing newline is tolerated. */
    public static Message parse(String text) throws MalformedMessageException {
        String line = stripNewline(text);
        String[] tokens = line.split(" ", -1);
        String rq = tokens.length > 1 && RQ.matcher(tokens[1]).matches() ? tokens[1] : NO_RQ;
        checkCharacters(line, rq);
        for (String token : tokens) {
            if (token.isEmpty()) {
                throw new MalformedMessageException(rq, Reason.BAD_SPACING, "fields are separated by single spaces");
            }
        }
        Command command = Command.fromWire(tokens[0]);
        if (command == null) {
            throw new MalformedMessageException(rq, Reason.UNKNOWN_COMMAND, "unknown command");
        }
        if (tokens.length < 2 || !RQ.matcher(tokens[1]).matches()) {
            throw new MalformedMessageException(NO_RQ, Reason.BAD_RQ, "RQ# is 1 to 9 digits");
        }
        List<String> fields = new ArrayList<>(command.arity());
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 2; i < tokens.length; i++) {
            String token = tokens[i];
            int eq = token.indexOf('=');
            if (eq < 0) {
                if (!options.isEmpty()) {
                    throw new MalformedMessageException(rq, Reason.BAD_OPTION, "field after an option");
                }
                fields.add(token);
                continue;
            }
            String key = token.substring(0, eq);
            if (!OPTION_KEY.matcher(key).matches() || options.containsKey(key)) {
                throw new MalformedMessageException(rq, Reason.BAD_OPTION, "bad or repeated option key");
            }
            options.put(key, token.substring(eq + 1));
        }
        if (fields.size() != command.arity()) {
            throw new MalformedMessageException(rq, Reason.WRONG_FIELD_COUNT,
                    command.wireName() + " takes " + command.arity() + " fields");
        }
        return new Message(command, rq, fields, options);
    }

    private static String decodeUtf8(byte[] buf, int offset, int length) throws MalformedMessageException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(buf, offset, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(NO_RQ, Reason.NOT_UTF8, "not UTF-8");
        }
    }

    private static String stripNewline(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }

    // No field may contain white space or control characters: a tab or newline inside a
    // message would make "fields separated by single spaces" ambiguous.
    private static void checkCharacters(String line, String rq) throws MalformedMessageException {
        if (line.isEmpty()) {
            throw new MalformedMessageException(NO_RQ, Reason.EMPTY_DATAGRAM, "empty message");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c))) {
                throw new MalformedMessageException(rq, Reason.BAD_CHARACTER, "control or space character");
            }
        }
    }
}
