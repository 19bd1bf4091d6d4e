package io.vmledger.core.fold;

import io.vmledger.core.state.DeviceTables;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The working set of one event being folded: the device's tables, the effects the event caused so
 * far, and the BOs whose references changed (checked for freeing at the end).
 */
public final class FoldContext {
    private final DeviceTables tables;
    private final FoldConfig config;
    private final List<Effect> effects = new ArrayList<>();

    /**
     * BOs that lost a reference during this event, in the order they did; freed at the end if
     * unreferenced.
     */
    private final Set<Long> released = new LinkedHashSet<>();

    public FoldContext(DeviceTables tables, FoldConfig config) {
        this.tables = tables;
        this.config = config;
    }

    public DeviceTables tables() {
        return tables;
    }

    public FoldConfig config() {
        return config;
    }

    /** Records an effect. */
    public void effect(Effect e) {
        effects.add(e);
    }

    /** Notes that {@code bo} lost a reference. */
    public void released(long bo) {
        released.add(bo);
    }

    /** The BOs that lost references, in order. */
    public Set<Long> releasedBos() {
        return released;
    }

    /** The effects recorded so far. */
    public List<Effect> effects() {
        return effects;
    }
}
