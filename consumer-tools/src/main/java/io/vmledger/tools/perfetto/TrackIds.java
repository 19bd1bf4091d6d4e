package io.vmledger.tools.perfetto;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Perfetto process and thread ids for devices and their tracks: a device is a process named by its
 * id, each {@link Track} a thread of it. Ids are handed out in order of first use and are unique
 * across the whole trace (Perfetto would take a tid seen under two pids for a reused thread); the
 * naming metadata is written the first time an id is used.
 */
final class TrackIds {
    private final TraceEventWriter out;
    private final Map<String, Long> pids = new HashMap<>();
    private final Map<String, Map<Track, Long>> tids = new HashMap<>();
    private long nextTid = 1;

    TrackIds(TraceEventWriter out) {
        this.out = out;
    }

    /** The pid of {@code device}, named on first use. */
    long pid(String device) throws IOException {
        Long pid = pids.get(device);
        if (pid == null) {
            pid = (long) pids.size() + 1;
            pids.put(device, pid);
            out.processName(pid, device);
        }
        return pid;
    }

    /** The tid of {@code track} of {@code device}, named on first use. */
    long tid(String device, Track track) throws IOException {
        Map<Track, Long> ofDevice = tids.computeIfAbsent(device, d -> new HashMap<>());
        Long tid = ofDevice.get(track);
        if (tid == null) {
            tid = nextTid++;
            ofDevice.put(track, tid);
            out.threadName(pid(device), tid, track.label());
        }
        return tid;
    }
}
