package p2pbrs.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One protocol message: the command, the RQ# exactly as written, the positional fields
 * and the trailing {@code key=value} options. Immutable.
 */
public record Message(Command command, String rq, List<String> fields, Map<String, String> options) {

    public Message {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(rq, "rq");
        fields = List.copyOf(fields);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        if (fields.size() != command.arity()) {
            throw new IllegalArgumentException(command.wireName() + " takes " + command.arity()
                    + " fields, got " + fields.size());
        }
    }

    public static Message of(Command command, String rq, String... fields) {
        return new Message(command, rq, List.of(fields), Map.of());
    }

    public String field(int index) {
        return fields.get(index);
    }

    /** The option's value, or null when the message does not carry it. */
    public String option(String key) {
        return options.get(key);
    }

    /** A copy of this message with one more option (replacing one of the same key). */
    public Message withOption(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.put(key, value);
        return new Message(command, rq, fields, copy);
    }

    @Override
    public String toString() {
        return Codec.format(this);
    }
}
