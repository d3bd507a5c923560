package p2pbrs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import p2pbrs.protocol.Tokens;

/** The one-word recovery key: round trips, mistypes caught by its check, legacy tokens, junk refused. */
class RecoveryKeyTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private final RecoveryKey key = new RecoveryKey(Tokens.generate(), DataKey.generate());

    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> RecoveryKey.parse(text), text).getMessage();
    }

    @Test
    void encodesToOneWordAndBack() {
        String word = key.encode();
        assertTrue(word.matches("rk1[a-z2-7]+"), word);
        assertEquals(114, word.length(), "a 64-digit token and its data key");
        assertEquals(key, RecoveryKey.parse(word));
        assertEquals(key, RecoveryKey.parse("  \n" + word + "\t "), "whitespace around is trimmed");
        assertEquals(key, RecoveryKey.parse(word.toUpperCase()), "either case");
    }

    @Test
    void tokensOfEveryWellFormedEvenLengthRoundTrip() {
        for (int digits = 64; digits <= 128; digits += 2) {
            String token = "a1".repeat(digits / 2);
            RecoveryKey long1 = new RecoveryKey(token, DataKey.generate());
            String word = long1.encode();
            assertTrue(word.matches("rk1[a-z2-7]+"), word);
            assertEquals(long1, RecoveryKey.parse(word), digits + " digits");
        }
    }

    @Test
    void anyOneChangedCharacterIsRefusedByItsCheck() {
        String word = key.encode();
        for (int i = 3; i < word.length(); i++) {
            char c = word.charAt(i);
            for (char other : new char[] {ALPHABET.charAt((ALPHABET.indexOf(c) + 1) % 32),
                    ALPHABET.charAt((ALPHABET.indexOf(c) + 17) % 32)}) {
                String changed = word.substring(0, i) + other + word.substring(i + 1);
                String message = refusal(changed);
                assertTrue(message.startsWith("mistyped?") || message.startsWith("not a recovery key"),
                        i + ": " + message);
            }
        }
        String last = word.substring(0, word.length() - 1) + (word.endsWith("a") ? "b" : "a");
        assertEquals("mistyped? its check does not match", refusal(last));
    }

    @Test
    void aMissingOrExtraCharacterIsRefused() {
        String word = key.encode();
        refusal(word.substring(0, word.length() - 1));
        refusal(word + "a");
        refusal(word.substring(0, 50) + word.substring(51));
        assertTrue(refusal(word.substring(0, 40)).contains("characters"));
    }

    @Test
    void aLegacyTokenParsesWithoutADataKey() {
        String token = Tokens.generate();
        RecoveryKey legacy = RecoveryKey.parse(" " + token + "\n");
        assertEquals(token, legacy.token());
        assertNull(legacy.dataKey());
        String longest = "f".repeat(128);
        assertEquals(longest, RecoveryKey.parse(longest).token());
        assertThrows(IllegalStateException.class, legacy::encode);
        assertThrows(IllegalStateException.class, legacy::wrappingKey);
    }

    @Test
    void junkIsRefusedWithAMessageAPersonCanActOn() {
        assertTrue(refusal("").startsWith("not a recovery key"));
        assertTrue(refusal("   ").startsWith("not a recovery key"));
        assertTrue(refusal(null).startsWith("not a recovery key"));
        assertTrue(refusal("hello").contains("rk1"));
        assertTrue(refusal("F".repeat(64)).startsWith("not a recovery key"), "a token is lowercase");
        assertTrue(refusal("ab".repeat(20)).startsWith("not a recovery key"), "too short for a token");
        String word = key.encode();
        assertTrue(refusal("rk2" + word.substring(3)).contains("\"rk2\""));
        String withOne = word.substring(0, 20) + "1" + word.substring(21);
        assertTrue(refusal(withOne).startsWith("mistyped? '1' (character 21)"), refusal(withOne));
        assertTrue(refusal(word.substring(0, 60) + " " + word.substring(60)).contains("one word"));
    }

    @Test
    void aCraftedKeyWhosePartsDoNotAddUpIsRefused() {
        // A correct check over a length byte that disagrees with the word's length.
        byte[] payload = new byte[1 + 32 + 32 + 4];
        payload[0] = 33;
        byte[] digest = p2pbrs.protocol.Sha256.newDigest().digest(java.util.Arrays.copyOf(payload, payload.length - 4));
        System.arraycopy(digest, 0, payload, payload.length - 4, 4);
        assertEquals("not a recovery key: its parts do not add up", refusal("rk1" + Base32.encode(payload)));
    }

    @Test
    void theWrappingKeyIsTheOneDocumentedAndNeedsBothParts() throws Exception {
        byte[] secret = new byte[64];
        System.arraycopy(HexFormat.of().parseHex(key.token()), 0, secret, 0, 32);
        System.arraycopy(key.dataKey().raw(), 0, secret, 32, 32);
        assertArrayEquals(ChunkSealTest.hmac(secret, "p2pbrs-data-key-wrap-v1".getBytes(StandardCharsets.US_ASCII)),
                key.wrappingKey());
        assertFalse(java.util.Arrays.equals(key.wrappingKey(),
                new RecoveryKey(key.token(), DataKey.generate()).wrappingKey()));
    }

    @Test
    void recordsRefuseWhatCannotBeAKeyAndNeverPrintSecrets() {
        assertThrows(IllegalArgumentException.class, () -> new RecoveryKey("xyz", null));
        assertThrows(IllegalArgumentException.class, () -> new RecoveryKey("a".repeat(65), DataKey.generate()));
        assertEquals("a".repeat(65), new RecoveryKey("a".repeat(65), null).token());
        assertFalse(key.toString().contains(key.token()));
    }

    @Test
    void base32IsRfc4648() {
        assertEquals("", Base32.encode(new byte[0]));
        assertEquals("my", Base32.encode("f".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("mzxw6ytboi", Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("fooba".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw6ytb"));
        assertNull(Base32.decode("mz"), "unused bits not zero");
        assertNull(Base32.decode("m"), "no byte count gives one character");
    }
}
