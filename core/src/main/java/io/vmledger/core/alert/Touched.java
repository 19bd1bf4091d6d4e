package io.vmledger.core.alert;

import java.util.Set;
import java.util.TreeSet;

/**
 * The BOs and VMs one event may have changed: the only subjects whose rule conditions are
 * re-evaluated after it, so the alert cost per event stays proportional to the event's work.
 */
public record Touched(Set<Long> bos, Set<Long> vms) {

    /** An empty, growable set. */
    public static Touched empty() {
        return new Touched(new TreeSet<>(), new TreeSet<>());
    }

    /** Adds a BO (null = none). */
    public void bo(Long bo) {
        if (bo != null) {
            bos.add(bo);
        }
    }

    /** Adds a VM (null = none). */
    public void vm(Long vm) {
        if (vm != null) {
            vms.add(vm);
        }
    }
}
