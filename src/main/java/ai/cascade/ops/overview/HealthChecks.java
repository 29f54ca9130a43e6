package ai.cascade.ops.overview;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.backend.CancelSwitch;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.backend.Probe;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.cache.CacheChecks;
import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.database.DatabaseChecks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Every check of every backend, the four backends in parallel, each within its own deadline: a backend that
 * hangs becomes one UNREACHABLE line and never delays the others' answers. Used by the overview and the
 * {@code check} command alike, so both say the same thing.
 */
public final class HealthChecks {
    private final Connections connections;
    private final CheckThresholds thresholds;
    private final long deadlineMillis;
    private final CacheChecks cache;
    private final DatabaseChecks database;

    public HealthChecks(Connections connections, CheckThresholds thresholds) {
        this(connections, thresholds, 25_000);
    }

    public HealthChecks(Connections connections, CheckThresholds thresholds, long deadlineMillis) {
        this.connections = connections;
        this.thresholds = thresholds;
        this.deadlineMillis = deadlineMillis;
        // kept across runs, so a watch reuses the maintenance checks and its walk over the cache families for ten minutes
        this.database = new DatabaseChecks(connections, thresholds, java.time.Duration.ofMinutes(10));
        this.cache = new CacheChecks(connections, thresholds, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(10),
                java.time.Duration.ofMinutes(10));
    }

    /** All checks, in backend order (callers sort as they show them). Blocks up to the deadline: not on the FX thread. */
    public List<Check> runAll(CancelSignal cancel) {
        Map<Backend, Function<CancelSignal, List<Check>>> runs = new EnumMap<>(Backend.class);
        runs.put(Backend.POSTGRES, database::run);
        runs.put(Backend.REDIS, cache::run);
        runs.put(Backend.VENICE, c -> reachability(Backend.VENICE, connections.veniceClient().<Probe>map(v -> v::probe).orElse(null)));
        runs.put(Backend.STRIPE, c -> reachability(Backend.STRIPE, connections.stripe().<Probe>map(s -> s::probe).orElse(null)));
        ExecutorService pool = Executors.newFixedThreadPool(runs.size(), r -> {
            Thread t = new Thread(r, "ops-checks");
            t.setDaemon(true);
            return t;
        });
        List<CancelSwitch> hooks = new ArrayList<>();
        cancel.onCancel(() -> hooks.forEach(CancelSwitch::fire));
        try {
            Map<Backend, Future<List<Check>>> futures = new EnumMap<>(Backend.class);
            runs.forEach((b, run) -> {
                if (!connections.isConfigured(b)) {   // left out of the profile on purpose: nothing to alarm about
                    futures.put(b, CompletableFuture.completedFuture(List.of(Check.of(b, b.name().toLowerCase() + ".reachable",
                            b.label() + " reachable", Verdict.OK, "not configured in this profile", "", ""))));
                    return;
                }
                CancelSwitch h = new CancelSwitch();
                hooks.add(h);
                futures.put(b, CompletableFuture.supplyAsync(() -> run.apply(h), pool));
            });
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
            List<Check> out = new ArrayList<>();
            for (Map.Entry<Backend, Future<List<Check>>> e : futures.entrySet()) {
                Backend b = e.getKey();
                try {
                    out.addAll(e.getValue().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException t) {
                    e.getValue().cancel(true);
                    out.add(Check.unreachable(b, b.label() + " did not finish its checks within " + deadlineMillis / 1000 + " s."));
                } catch (ExecutionException x) {
                    out.add(failed(b, x.getCause()));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("checks interrupted");
                }
            }
            if (cancel.isCancelled()) throw new CancellationException("checks cancelled");
            return out;
        } finally {
            hooks.forEach(CancelSwitch::fire);   // stop whatever is still running on the server
            pool.shutdownNow();
        }
    }

    private static Check failed(Backend b, Throwable cause) {
        if (cause instanceof CancellationException c) throw c;
        if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) cause = cause.getCause();
        if (cause instanceof BackendException be) return Check.unreachable(b, be.getMessage());
        return Check.unreachable(b, b.label() + " could not be checked: " + cause);
    }

    /** A backend with only a reachability probe: its answer and how long it took. */
    private List<Check> reachability(Backend b, Probe probe) {
        String id = b.name().toLowerCase() + ".reachable";
        if (probe == null)
            return List.of(Check.of(b, id, b.label() + " reachable", Verdict.OK, "not configured in this profile", "", ""));
        long start = System.nanoTime();
        String note = probe.check();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Verdict v = note != null || ms > thresholds.slowAnswerMillis() ? Verdict.WARNING : Verdict.OK;
        String figure = "answered in " + ms + " ms" + (note == null ? "" : "; " + note);
        String advice = v == Verdict.OK ? "" : b.label() + " answers slowly (over " + thresholds.slowAnswerMillis()
                + " ms): pages that read it will be slow; check its status page and the network.";
        return List.of(Check.of(b, id, b.label() + " reachable", v, figure, advice, ""));
    }
}
