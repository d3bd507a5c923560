package p2pbrs.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The part files of restores: a sweep removes leftovers, never a file a restore is writing, nor anything else. */
class PartFilesTest {
    @TempDir
    Path dir;

    @Test
    void partFilesAreNamedSoThatASweepRecognisesThem() throws Exception {
        try (PartFiles.Part part = new PartFiles(dir).create("résumé.pdf")) {
            assertTrue(PartFiles.isPartName(part.path().getFileName().toString()), part.path().toString());
            assertEquals(dir, part.path().getParent());
        }
    }

    @Test
    void aSweepLeavesAPartFileThatARestoreIsWriting() throws Exception {
        try (PartFiles.Part part = new PartFiles(dir).create("big.iso")) {
            // Another peer of this process, sharing the restore dir, starts.
            assertEquals(0, new PartFiles(dir).sweep());
            assertTrue(Files.exists(part.path()));
        }
    }

    @Test
    void aPartFileNotMovedIntoPlaceIsRemovedWhenItsRestoreEnds() throws Exception {
        Path path;
        try (PartFiles.Part part = new PartFiles(dir).create("failed.bin")) {
            path = part.path();
        }
        assertFalse(Files.exists(path));
        assertEquals(List.of(), listing());
    }

    @Test
    void removingAllOnCloseTakesTheRunningRestoresPartFilesAndNoOthers() throws Exception {
        PartFiles closing = new PartFiles(dir);
        try (PartFiles.Part mine = closing.create("mine.bin");
             PartFiles.Part another = new PartFiles(dir).create("another.bin")) {
            closing.removeAll();
            assertFalse(Files.exists(mine.path()));
            assertTrue(Files.exists(another.path()), "another peer's restore goes on");
        }
    }

    @Test
    void aFileSystemThatRefusesDirectIoGetsAPageCachePartFileAndNoLeftover() throws Exception {
        java.util.List<Boolean> asked = new java.util.ArrayList<>();
        PartFiles refusing = new PartFiles(dir, (part, direct) -> {
            asked.add(direct);
            // As Linux does on a file system without direct I/O: the file is created, then the open fails.
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(part,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE);
            if (direct) {
                channel.close();
                throw new java.io.IOException("Invalid argument");
            }
            return channel;
        });
        try (PartFiles.Part part = refusing.create("big.iso", 4096)) {
            assertEquals(1, part.alignment(), "written through the page cache");
            assertEquals(List.of(true, false), asked);
            assertEquals(List.of(part.path().getFileName().toString()), listing(), "one part file, not two");
        }
    }

    @Test
    void aPartFileAskedForDirectIoTakesAlignedWritesWhereTheFileSystemAllowsIt() throws Exception {
        PartFiles parts = new PartFiles(dir);
        int block = parts.directAlignment();
        org.junit.jupiter.api.Assumptions.assumeTrue(block > 1, "the file system names a block size");
        try (PartFiles.Part part = parts.create("big.iso", block)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(part.alignment() > 1, "the file system allows direct I/O");
            assertEquals(block, part.alignment());
            java.nio.ByteBuffer aligned = java.nio.ByteBuffer.allocateDirect(3 * block).alignedSlice(block);
            aligned.limit(block);
            assertEquals(block, part.channel().write(aligned, block));
            assertEquals(2L * block, part.channel().size());
        }
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
