package io.vmledger.engine.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB settings for the fold's access pattern: the same few keys (a VM's VAs at reused
 * addresses, page-table runs) are rewritten and deleted over and over, and every overlap lookup is
 * a short range scan. Scans must step over every stale version and tombstone still in the memtable,
 * so small memtables, flushed and compacted often, keep scans short.
 */
public final class EngineRocksDbConfig implements RocksDBConfigSetter {
    private static final long WRITE_BUFFER_BYTES = 1L << 20;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setLevel0FileNumCompactionTrigger(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // nothing allocated here
    }
}
