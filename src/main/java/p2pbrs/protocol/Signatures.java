package p2pbrs.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests that must prove who sent them beyond a token: the operator's INVITE (signed
 * with the server's admin key) and the server's requests to a storage peer (signed with
 * the key the two share). The signature is the last option, {@code auth=}: an HMAC-SHA256
 * of the request's text without it. docs/protocol.md, "Identity and trust".
 */
public final class Signatures {
    private static final String AUTH = "auth";

    private Signatures() {
    }

    /** The request with its signature appended. */
    public static Message sign(byte[] key, Message unsigned) {
        return unsigned.withOption(AUTH, Hmac.hex(key, Codec.format(unsigned)));
    }

    /** Whether the request carries a valid signature with this key (compared in constant time). */
    public static boolean verify(byte[] key, Message signed) {
        Map<String, String> options = new LinkedHashMap<>(signed.options());
        String auth = options.remove(AUTH);
        Message unsigned = new Message(signed.command(), signed.rq(), signed.fields(), options);
        return auth != null && Hmac.same(Hmac.hex(key, Codec.format(unsigned)), auth);
    }
}
