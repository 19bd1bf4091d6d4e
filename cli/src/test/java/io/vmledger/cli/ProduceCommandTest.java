package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code vmledger produce} refuses bad arguments before it contacts a broker. */
class ProduceCommandTest {
    @Test
    void badArgumentsAreRefusedBeforeAnythingIsSent() {
        CliRun speed = CliRun.of("produce", "-i", "x.jsonl", "--speed", "fast");
        assertEquals(2, speed.exit());
        assertTrue(speed.err().contains("speed must be 'max' or a positive factor"), speed.err());
        CliRun codec = CliRun.of("produce", "-i", "x.jsonl", "--compression", "brotli");
        assertEquals(2, codec.exit());
        assertTrue(codec.err().contains("--compression must be lz4, zstd"), codec.err());
    }
}
