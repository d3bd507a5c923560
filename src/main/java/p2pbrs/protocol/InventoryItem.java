package p2pbrs.protocol;

/**
 * One entry of an INVENTORY's Chunk_List: the checksum of a chunk file the storage peer
 * holds, written {@code <checksum>:l} when the file is loose (verified on disk, but
 * without a row in the peer's index, whose database is new or older than its storage
 * folder). docs/protocol.md, "Inventory and reconciliation".
 */
public record InventoryItem(String checksum, boolean loose) {
    private static final String LOOSE = ":l";

    public String encode() {
        return loose ? checksum + LOOSE : checksum;
    }

    public static InventoryItem parse(String item, String rq) throws MalformedMessageException {
        boolean loose = item.endsWith(LOOSE);
        String checksum = loose ? item.substring(0, item.length() - LOOSE.length()) : item;
        return new InventoryItem(Numbers.checksum(checksum, rq), loose);
    }
}
