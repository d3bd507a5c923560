package p2pbrs.protocol;

/**
 * A file name as a request carried it: its wire form (what tickets sign and replies echo)
 * and the name it stands for (what the server stores). Decoded and checked once, by
 * {@link FileNames#decode}.
 */
public record FileName(String wire, String name) {

    /** The file name a wire field stands for; Bad-file-name when it is not one. */
    public static FileName decode(String wire, String rq) throws MalformedMessageException {
        return new FileName(wire, FileNames.decode(wire, rq));
    }
}
