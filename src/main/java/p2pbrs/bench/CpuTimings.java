package p2pbrs.bench;

import java.util.List;

/** The CPU seconds of one kind of operation, run by run, by role; medians like the times. */
record CpuTimings(Timings owner, Timings storage, Timings server) {
    static CpuTimings of(List<CpuUse> runs) {
        CpuTimings t = new CpuTimings(new Timings(), new Timings(), new Timings());
        for (CpuUse run : runs) {
            t.owner.add(run.owner());
            t.storage.add(run.storage());
            t.server.add(run.server());
        }
        return t;
    }
}
