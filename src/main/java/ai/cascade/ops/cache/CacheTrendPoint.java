package ai.cascade.ops.cache;

import java.time.Instant;

/**
 * One point of Redis' history, at the time its sample was taken. Gauges ({@code masters} to {@code connectedClients})
 * are those of the sample, summed over the masters, and absent (0) for a {@link Kind#GAP} or {@link Kind#WAITED};
 * {@code rates} is present only for {@link Kind#RATES}; {@code note} says what a dropped interval or a gap means.
 *
 * @param maxMemory the masters' maxmemory summed; 0 when one of them has no limit (then none applies to the whole)
 */
public record CacheTrendPoint(Instant at, Kind kind, boolean cluster, int masters, long usedMemory, long maxMemory,
                              long connectedClients, RedisRates rates, String note) {
    public enum Kind {
        /** The first sample after a start, a resume or a gap: gauges only, rates start with the next one. */
        BASELINE,
        /** Gauges and the rates since the previous sample. */
        RATES,
        /** A restart, CONFIG RESETSTAT or a change of masters since the previous sample: that interval is left out. */
        DROPPED,
        /** The console's own lookups kept INFO waiting past its patience: no sample now, the next interval spans this one. */
        WAITED,
        /** No sample: the note says why (e.g. the server is down). */
        GAP
    }

    public boolean hasGauges() { return kind == Kind.BASELINE || kind == Kind.RATES || kind == Kind.DROPPED; }

    /** maxmemory applies (0 means no limit). */
    public boolean memoryLimited() { return maxMemory > 0; }

    static CacheTrendPoint gap(Instant at, String error) {
        return new CacheTrendPoint(at, Kind.GAP, false, 0, 0, 0, 0, null, error);
    }

    static CacheTrendPoint waited(Instant at, String why) {
        return new CacheTrendPoint(at, Kind.WAITED, false, 0, 0, 0, 0, null, why);
    }
}
