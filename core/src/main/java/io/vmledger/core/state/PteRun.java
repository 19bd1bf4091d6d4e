package io.vmledger.core.state;

/**
 * A run of populated 4 KiB PTEs, stored under key {@code (vm, start)}: pages {@code [start, end)}
 * map {@code bo} from {@code offset} on (bo null = the PRR page).
 */
public record PteRun(long end, Long bo, long offset) {}
