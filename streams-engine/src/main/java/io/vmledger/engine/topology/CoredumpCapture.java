package io.vmledger.engine.topology;

import io.vmledger.core.fold.Outcome;
import io.vmledger.core.ledger.Applied;
import io.vmledger.schema.codec.CoredumpEncoder;
import io.vmledger.schema.topic.Topics;
import io.vmledger.schema.wire.Wire;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a devcoredump snapshot to the coredump sink for every event whose fold captured one
 * (gpu_fault, gpu_hang: the {@code coredump} effect; the core's {@code CrashCapture} builds it from
 * the device's state right after the fold). Same key (device) and timestamp as the event.
 */
final class CoredumpCapture {
    private static final Logger LOG = LoggerFactory.getLogger(CoredumpCapture.class);

    private final String sink;

    CoredumpCapture(String sink) {
        this.sink = sink;
    }

    /** Forwards the devcoredump an applied event captured, if any. */
    void forward(
            Applied applied,
            Record<byte[], byte[]> record,
            ProcessorContext<byte[], byte[]> context) {
        if (applied.crash() == null) {
            return;
        }
        Outcome o = applied.outcome();
        byte[] value = Wire.coredump(CoredumpEncoder.encode(applied.crash()));
        if (!OutputLimits.fits(value)) {
            LOG.warn(
                    "coredump of device {} seq {} not written: {} bytes is over the {} bytes a record may have",
                    o.device(),
                    Long.toUnsignedString(o.seq()),
                    value.length,
                    Topics.MAX_OUTPUT_BYTES);
            return;
        }
        context.forward(record.withValue(value), sink);
    }
}
