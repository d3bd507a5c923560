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

    private List<String> listing() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
