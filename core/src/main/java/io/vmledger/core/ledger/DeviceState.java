package io.vmledger.core.ledger;

import io.vmledger.core.alert.AlertTables;
import io.vmledger.core.state.DeviceTables;

/**
 * Everything the core keeps of one device: the kernel model's tables and the alert rules'
 * tables, both over the same {@link DeviceTables.TableSource} (in memory for {@code replay}, the
 * engine's stores in Kafka Streams).
 */
public record DeviceState(DeviceTables tables, AlertTables alerts) {

    /** A device's state over {@code source}, the kernel model's writes buffered per event. */
    public static DeviceState over(DeviceTables.TableSource source) {
        return new DeviceState(new DeviceTables(DeviceTables.withWriteBack(source)), new AlertTables(source));
    }

    /** A new device's state in memory. */
    public static DeviceState inMemory() {
        return new DeviceState(DeviceTables.inMemory(), AlertTables.inMemory());
    }
}
