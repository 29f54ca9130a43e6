package ai.cascade.ops.venice;

import java.time.Duration;

/**
 * What one call to {@link VeniceClient} produced, and how: the value, whether it came from the shared cache or
 * from Venice, how long it took, and what happened to caching.
 *
 * @param outcome   found, degraded (Venice's stand-in data: shown flagged, never cached) or not found
 * @param value     the typed result; null when not found
 * @param source    where the value came from
 * @param latency   from the call to the answer, cache lookup included
 * @param cacheAge  for a cached answer, how old the entry is (300 s minus its remaining TTL); null when live
 * @param cacheNote null when the cache worked as it should, else why this answer was not read from or not written
 *                  to the cache ("Redis at … is unreachable"), for a person
 */
public record VeniceAnswer<T>(Outcome outcome, T value, Source source, Duration latency, Duration cacheAge, String cacheNote) {

    public enum Outcome { FOUND, DEGRADED, NOT_FOUND }

    public enum Source { CACHE, LIVE }

    public boolean found() { return outcome != Outcome.NOT_FOUND; }

    public boolean degraded() { return outcome == Outcome.DEGRADED; }

    public boolean fromCache() { return source == Source.CACHE; }
}
