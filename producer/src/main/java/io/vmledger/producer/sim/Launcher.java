package io.vmledger.producer.sim;

import java.util.SplittableRandom;

/**
 * Starts applications now and then, up to three at a time: Vulkan (six in ten) or GL, each living
 * 20–90 s of device time unless it hangs first.
 */
final class Launcher extends Workload {
    private static final int MAX_APPS = 3;

    Launcher(long wake) {
        super(wake);
    }

    @Override
    void step(DeviceSim d) {
        SplittableRandom rng = d.rng();
        if (d.apps() < MAX_APPS) {
            long lifetime = 20_000_000L + rng.nextLong(70_000_000L);
            if (rng.nextInt(10) < 6) {
                d.add(new VulkanApp(d.now(), VulkanApp.Kind.APP, lifetime));
            } else {
                d.add(new GlApp(d.now(), lifetime));
            }
        }
        wake = d.now() + 3_000_000L + rng.nextLong(15_000_000L);
    }
}
