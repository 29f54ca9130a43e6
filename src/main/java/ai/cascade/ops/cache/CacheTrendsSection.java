package ai.cascade.ops.cache;

import ai.cascade.ops.config.CheckThresholds;
import ai.cascade.ops.database.DatabaseTrends;
import ai.cascade.ops.database.TrendPoint;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.GapNote;
import ai.cascade.ops.ui.PageSection;
import ai.cascade.ops.ui.SamplingBar;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.ui.TrendChart;
import ai.cascade.ops.ui.TrendFeed;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The cache page's "Over time" tab: the application's Redis keyspace hit rate per interval (the console's own
 * lookups left out), ops/s, memory against maxmemory, evictions and expirations, clients, and Postgres' buffer cache
 * hit rate, for the last hour. Redis is sampled by {@link CacheTrends}; the Postgres line follows the
 * {@link DatabaseTrends} the database page already runs, so the database is not sampled twice. Sampling starts when
 * the tab is first shown and carries on; while the tab is hidden nothing is drawn, and showing it again catches up.
 */
public final class CacheTrendsSection implements PageSection {
    // An hour at the default interval; at 1 s the charts show the last 12 minutes, so each redraw stays cheap.
    static final int MAX_POINTS = 720;
    private static final double MB = 1024.0 * 1024.0;

    private final CacheTrends redis;
    private final DatabaseTrends database;
    private final TimeDisplay time;
    private final CheckThresholds thresholds;
    private final TrendFeed<CacheTrendPoint> redisFeed = new TrendFeed<>(this::chartRedis);
    private final TrendFeed<TrendPoint> databaseFeed = new TrendFeed<>(this::chartDatabase);
    private boolean listening;
    private Instant lastRedis = Instant.MIN, lastDatabase = Instant.MIN;

    private final Label serverFigure = figure("cache-trends-server");
    private final Label hitFigure = figure("cache-trends-hits");
    private final Label trafficFigure = figure("cache-trends-traffic");
    private final Label memoryFigure = figure("cache-trends-memory");
    private final Label databaseFigure = figure("cache-trends-database");
    private final GapNote note;
    private final TrendChart hitRate, ops, memory, churn, clients, bufferCache;
    private SamplingBar bar;
    private VBox root;

    public CacheTrendsSection(CacheTrends redis, DatabaseTrends database, TimeDisplay time, CheckThresholds thresholds) {
        this.redis = redis;
        this.database = database;
        this.time = time;
        this.thresholds = thresholds;
        note = new GapNote("cache-trends-note", time);
        hitRate = new TrendChart(time, "cache-trends-hit-chart", "Redis keyspace hit rate, application (%)", false, "hit rate", "threshold");
        ops = new TrendChart(time, "cache-trends-ops-chart", "Redis commands per second", true, "ops/s");
        memory = new TrendChart(time, "cache-trends-memory-chart", "Redis memory (MB)", true, "used", "maxmemory");
        churn = new TrendChart(time, "cache-trends-churn-chart", "Keys leaving per second", true, "evicted", "expired");
        clients = new TrendChart(time, "cache-trends-clients-chart", "Redis connected clients", true, "clients");
        bufferCache = new TrendChart(time, "cache-trends-buffer-chart", "Postgres buffer cache hit rate (%)", false, "hit rate", "threshold");
    }

    @Override public String id() { return "trends"; }

    @Override public String title() { return "Over time"; }

    @Override
    public Node root() {
        if (root == null) build();
        return root;
    }

    private void build() {
        bar = new SamplingBar(redis, "cache-trends");
        Label scope = new Label("· Redis only; Postgres follows the database page's sampling");
        scope.getStyleClass().add("text-muted");
        bar.getChildren().add(scope);
        GridPane charts = TrendChart.grid(3, hitRate, ops, memory, churn, clients, bufferCache);
        VBox.setVgrow(charts, Priority.ALWAYS);
        VBox figures = new VBox(2, serverFigure, hitFigure, trafficFigure, memoryFigure, databaseFigure);
        root = new VBox(8, bar, figures, note, charts);
        root.setPadding(new Insets(8, 0, 0, 0));
        root.getStyleClass().add("trends");
        root.getStylesheets().add(CacheTrendsSection.class.getResource("/ai/cascade/ops/database/TrendsSection.css").toExternalForm());
        serverFigure.setText("Waiting for the first sample…");
        hitFigure.setText("Keyspace hit rate: the application's lookups only; the console's own (inventory, key browser, "
                + "session list) are counted and left out.");
    }

    /** Shown: chart what arrived while hidden, then follow new points; the first showing starts sampling. */
    @Override
    public void refresh() {
        root();
        if (!listening) {
            redis.addListener(redisFeed::offer);
            database.addListener(databaseFeed::offer);
            listening = true;
        }
        redisFeed.showing(true);
        databaseFeed.showing(true);
        chartRedis(redis.history());
        chartDatabase(database.history());
        redis.start();
        database.start();
    }

    @Override
    public void hidden() {
        redisFeed.showing(false);   // sampling carries on: the history is the point of this tab
        databaseFeed.showing(false);
    }

    private void chartRedis(List<CacheTrendPoint> points) {
        CacheTrendPoint newest = null;
        for (CacheTrendPoint p : points) {
            if (!p.at().isAfter(lastRedis)) continue;   // already charted (history caught up on showing)
            lastRedis = p.at();
            double x = p.at().toEpochMilli() / 1000.0;
            if (p.hasGauges()) {
                memory.add(x, p.usedMemory() / MB, p.memoryLimited() ? p.maxMemory() / MB : Double.NaN);
                clients.add(x, p.connectedClients());
            }
            RedisRates r = p.rates();
            if (r != null) {
                hitRate.add(x, r.hitPercent().orElse(Double.NaN), thresholds.redisHitRateWarnPercent());
                ops.add(x, r.opsPerSecond());
                churn.add(x, r.evictedPerSecond(), r.expiredPerSecond());
            }
            if (p.kind() == CacheTrendPoint.Kind.GAP) note.gap(p.at(), p.note());
            else if (p.note() != null) note.event(p.at(), p.note());
            else note.answered(p.at());
            newest = p;
        }
        if (newest == null) return;
        span(newest.at(), hitRate, ops, memory, churn, clients);
        if (Double.isNaN(bufferCache.firstX())) span(newest.at(), bufferCache);   // no Postgres point yet: the same hour, empty
        showFigures(newest);
    }

    private void chartDatabase(List<TrendPoint> points) {
        TrendPoint newest = null;
        for (TrendPoint p : points) {
            if (!p.at().isAfter(lastDatabase)) continue;
            lastDatabase = p.at();
            if (p.rates() == null) continue;
            if (p.rates().cacheHitPercent().isPresent())
                bufferCache.add(p.at().toEpochMilli() / 1000.0, p.rates().cacheHitPercent().getAsDouble(), thresholds.cacheHitRatePercent());
            newest = p;
        }
        if (newest == null) return;
        span(newest.at(), bufferCache);
        databaseFigure.setText(newest.rates().cacheHitPercent().isPresent()
                ? String.format(Locale.getDefault(), "Postgres buffer cache hit rate: %.2f %% over the last %.0f s (threshold %s %%)",
                        newest.rates().cacheHitPercent().getAsDouble(), newest.rates().seconds(), number(thresholds.cacheHitRatePercent()))
                : "Postgres buffer cache hit rate: no blocks read in the last interval");
    }

    /** The last hour up to {@code newest}, from the oldest point still charted. */
    private static void span(Instant newest, TrendChart... charts) {
        double oldest = newest.minus(CacheTrends.HISTORY).toEpochMilli() / 1000.0;
        double last = newest.toEpochMilli() / 1000.0;
        for (TrendChart c : charts) {
            c.trim(oldest, MAX_POINTS);
            double first = Double.isNaN(c.firstX()) ? last : c.firstX();
            c.timeSpan(Math.max(first, oldest), last);
        }
    }

    private void showFigures(CacheTrendPoint p) {
        if (!p.hasGauges()) return;
        serverFigure.setText(p.cluster() ? "Redis Cluster: " + p.masters() + (p.masters() == 1 ? " master" : " masters")
                + ", figures summed over them" : "Redis: one server");
        memoryFigure.setText(p.memoryLimited()
                ? "Memory: " + Figures.bytes(p.usedMemory()) + " of " + Figures.bytes(p.maxMemory()) + " maxmemory ("
                        + Figures.percent(p.usedMemory(), p.maxMemory()) + "); " + Figures.count(p.connectedClients()) + " clients connected"
                : "Memory: " + Figures.bytes(p.usedMemory()) + " used, no limit (maxmemory 0: Redis grows until the machine runs out); "
                        + Figures.count(p.connectedClients()) + " clients connected");
        RedisRates r = p.rates();
        if (r == null) return;
        hitFigure.setText(hitText(r, thresholds.redisHitRateWarnPercent()));
        trafficFigure.setText(String.format(Locale.getDefault(), "Traffic: %s commands/s; %s keys evicted/s, %s expired/s",
                rate(r.opsPerSecond()), rate(r.evictedPerSecond()), rate(r.expiredPerSecond())));
    }

    /** "Keyspace hit rate (application): 75.00 % over the last 5 s (3,000 hits, 1,000 misses; ...)", ≈ when approximate. */
    static String hitText(RedisRates r, double threshold) {
        String ownCount = "the console's own " + Figures.count(r.ownLookups()) + " lookups left out";
        String own = r.ownLookups() == 0 ? "" : "; " + ownCount;
        String over = String.format(Locale.getDefault(), r.seconds() < 10 ? " over the last %.1f s" : " over the last %.0f s", r.seconds());
        if (r.hitPercent().isEmpty())
            return "Keyspace hit rate (application): no lookups" + over + (r.ownLookups() == 0 ? "" : " (" + ownCount + ")");
        double percent = r.hitPercent().getAsDouble();
        return String.format(Locale.getDefault(), "Keyspace hit rate (application): %s%.2f %%%s (%s %s, %s %s%s)%s%s",
                r.approximate() ? "≈ " : "", percent, over, Figures.count(r.appHits()), r.appHits() == 1 ? "hit" : "hits",
                Figures.count(r.appMisses()), r.appMisses() == 1 ? "miss" : "misses", own,
                r.approximate() ? "; approximate: some of the console's lookups had outcomes it could not learn" : "",
                percent < threshold ? " — below " + number(threshold) + " %" : "");
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static String rate(double perSecond) { return TrendChart.rate(perSecond); }

    private static Label figure(String id) { return TrendChart.figure(id); }

    // For tests:
    int hitRatePoints() { return hitRate.points(0); }

    int memoryPoints() { return memory.points(0); }

    int bufferCachePoints() { return bufferCache.points(0); }

    SamplingBar bar() { return bar; }

    Label note() { return note; }
}
