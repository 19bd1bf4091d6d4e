package io.vmledger.schema.store;

import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.OrderedTable;
import java.util.function.Function;

/**
 * Supplies one device's {@link DeviceTables} from the engine's stores: each table is a {@link
 * StoreTable} over the store {@link StoreLayout} assigns it, under the device's prefix.
 */
public final class StoreTableSource implements DeviceTables.TableSource {
    private final String device;
    private final Function<String, ByteStore> stores;

    /** Tables of {@code device}; {@code stores} gives the byte store of each store name. */
    public StoreTableSource(String device, Function<String, ByteStore> stores) {
        this.device = device;
        this.stores = stores;
    }

    @Override
    public <V> OrderedTable<V> table(String name) {
        ByteStore store = stores.apply(StoreLayout.storeOf(name));
        return new StoreTable<>(store, StoreLayout.prefix(device, name), StateCodecs.of(name));
    }
}
