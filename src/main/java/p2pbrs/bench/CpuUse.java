package p2pbrs.bench;

/**
 * CPU seconds (user and system) the cluster's processes used, by role: where an
 * operation's work went on a machine whose cores every process shares. Negative values
 * never arise from {@link #minus} of a later reading; NaN where the system does not say.
 */
record CpuUse(double owner, double storage, double server) {
    CpuUse minus(CpuUse earlier) {
        return new CpuUse(owner - earlier.owner, storage - earlier.storage, server - earlier.server);
    }
}
