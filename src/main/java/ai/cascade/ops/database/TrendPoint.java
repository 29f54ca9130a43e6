package ai.cascade.ops.database;

import java.time.Instant;

/**
 * One point of the database's history, at the time its sample was taken. {@code sessions} is null for a gap;
 * {@code rates} is present only for {@link Kind#RATES}; {@code note} says what a reset or a gap means, else null.
 */
public record TrendPoint(Instant at, Kind kind, TrendSessions sessions, TrendRates rates, String note) {
    public enum Kind {
        /** The first sample after a start, a resume or a gap: sessions only, rates start with the next one. */
        BASELINE,
        /** Sessions and the rates since the previous sample. */
        RATES,
        /** Statistics were reset since the previous sample: that interval is left out rather than drawn as a spike. */
        RESET,
        /** No sample: the note says why (e.g. the server is down). */
        GAP
    }

    static TrendPoint baseline(Instant at, TrendSessions sessions) {
        return new TrendPoint(at, Kind.BASELINE, sessions, null, null);
    }

    static TrendPoint rates(Instant at, TrendSessions sessions, TrendRates rates) {
        return new TrendPoint(at, Kind.RATES, sessions, rates, null);
    }

    static TrendPoint reset(Instant at, TrendSessions sessions) {
        return new TrendPoint(at, Kind.RESET, sessions, null,
                "Postgres statistics were reset (pg_stat_reset or a server crash); that interval is left out.");
    }

    static TrendPoint gap(Instant at, String error) {
        return new TrendPoint(at, Kind.GAP, null, null, error);
    }
}
