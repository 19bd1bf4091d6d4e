package io.vmledger.engine.topology;

import io.vmledger.schema.topic.Topics;

import io.vmledger.core.dump.CrashCapture;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.schema.codec.CoredumpEncoder;
import io.vmledger.schema.wire.Wire;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a devcoredump snapshot to the coredump sink for every event whose fold captured one
 * (gpu_fault, gpu_hang: the {@code coredump} effect), built by the core's {@link CrashCapture}
 * from the device's state right after the fold. Same key (device) and timestamp as the event.
 */
final class CoredumpCapture {
    private static final Logger LOG = LoggerFactory.getLogger(CoredumpCapture.class);

    private final FoldConfig config;
    private final String sink;

    CoredumpCapture(FoldConfig config, String sink) {
        this.config = config;
        this.sink = sink;
    }

    /** Called after each fold: forwards the snapshot if the outcome captured one. */
    void after(Outcome o, Event event, DeviceTables tables, Record<byte[], byte[]> record,
            ProcessorContext<byte[], byte[]> context) {
        if (!CrashCapture.captures(o)) {
            return;
        }
        byte[] value = Wire.coredump(CoredumpEncoder.encode(
                CrashCapture.capture(o, event, new DeviceQueries(tables, config))));
        if (!OutputLimits.fits(value)) {
            LOG.warn("coredump of device {} seq {} not written: {} bytes is over the {} bytes a record may have",
                    o.device(), Long.toUnsignedString(o.seq()), value.length, Topics.MAX_OUTPUT_BYTES);
            return;
        }
        context.forward(record.withValue(value), sink);
    }
}
