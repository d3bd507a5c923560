package p2pbrs.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import p2pbrs.protocol.Tokens;

/** The data key as the owner's database keeps it: opens only with its recovery key, refuses any change. */
class KeyWrapTest {
    private static final String DOES_NOT_OPEN = "the stored data key does not open with this recovery key";

    private final RecoveryKey recovery = new RecoveryKey(Tokens.generate(), DataKey.generate());
    private final byte[] wrappingKey = recovery.wrappingKey();

    @Test
    void wrapsAndUnwraps() {
        String wrapped = KeyWrap.wrap(wrappingKey, recovery.dataKey());
        assertTrue(wrapped.matches("[0-9a-f]{120}"), wrapped);
        assertEquals(recovery.dataKey(), KeyWrap.unwrap(wrappingKey, wrapped));
        assertEquals(recovery.dataKey(), KeyWrap.unwrap(RecoveryKey.parse(recovery.encode()).wrappingKey(), wrapped));
        assertNotEquals(wrapped, KeyWrap.wrap(wrappingKey, recovery.dataKey()), "a new nonce each time");
    }

    @Test
    void anotherRecoveryKeyDoesNotOpenIt() {
        String wrapped = KeyWrap.wrap(wrappingKey, recovery.dataKey());
        byte[] other = new RecoveryKey(Tokens.generate(), DataKey.generate()).wrappingKey();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyWrap.unwrap(other, wrapped));
        assertEquals(DOES_NOT_OPEN, e.getMessage());
        byte[] sameTokenOtherKey = new RecoveryKey(recovery.token(), DataKey.generate()).wrappingKey();
        assertThrows(IllegalArgumentException.class, () -> KeyWrap.unwrap(sameTokenOtherKey, wrapped));
    }

    @Test
    void anyChangedDigitIsRefused() {
        String wrapped = KeyWrap.wrap(wrappingKey, recovery.dataKey());
        for (int i = 0; i < wrapped.length(); i++) {
            char c = wrapped.charAt(i);
            String changed = wrapped.substring(0, i) + (c == '0' ? '1' : '0') + wrapped.substring(i + 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KeyWrap.unwrap(wrappingKey, changed), "digit " + i);
            assertEquals(DOES_NOT_OPEN, e.getMessage());
        }
    }

    @Test
    void junkIsRefusedWithTheSameMessage() {
        String wrapped = KeyWrap.wrap(wrappingKey, recovery.dataKey());
        for (String junk : new String[] {"", "zz", wrapped.substring(2), wrapped + "00", wrapped.toUpperCase(), null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KeyWrap.unwrap(wrappingKey, junk), String.valueOf(junk));
            assertEquals(DOES_NOT_OPEN, e.getMessage());
        }
    }
}
