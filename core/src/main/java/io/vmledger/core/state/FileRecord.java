package io.vmledger.core.state;

/** A drm_file (GPU context), stored under key {@code (file)}; its VM has vm id {@code file}. */
public record FileRecord(long file, boolean vmBind, boolean open) {}
