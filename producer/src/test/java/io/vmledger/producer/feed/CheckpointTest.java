package io.vmledger.producer.feed;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-device resume point: kept across runs, only ever moving forward. */
class CheckpointTest {
    @TempDir Path dir;

    @Test
    void aMissingFileResumesFromNothing() throws IOException {
        Checkpoint c = Checkpoint.at(dir.resolve("none.json"));
        assertFalse(c.alreadySent("gpu0", 1));
    }

    @Test
    void acknowledgedSeqsSurviveARestartAndOnlyMoveForward() throws IOException {
        Path f = dir.resolve("sub/cp.json");
        Checkpoint first = Checkpoint.at(f);
        first.acknowledged("gpu0", 3);
        first.acknowledged("gpu0", 7);
        first.acknowledged("gpu0", 5);
        first.acknowledged("gpu1", 1);
        first.save();

        Checkpoint second = Checkpoint.at(f);
        assertTrue(second.alreadySent("gpu0", 7));
        assertTrue(second.alreadySent("gpu0", 1));
        assertFalse(second.alreadySent("gpu0", 8));
        assertTrue(second.alreadySent("gpu1", 1));
        assertFalse(second.alreadySent("gpu2", 1));

        second.acknowledged("gpu2", 4);
        second.save();
        Checkpoint third = Checkpoint.at(f);
        assertTrue(third.alreadySent("gpu0", 7), "earlier devices are kept");
        assertTrue(third.alreadySent("gpu2", 4));
    }

    @Test
    void aCorruptFileIsAClearError() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "[1,2,3]");
        IOException e = assertThrows(IOException.class, () -> Checkpoint.at(f));
        assertTrue(e.getMessage().contains("not a JSON object of device to seq"), e.getMessage());
    }
}
