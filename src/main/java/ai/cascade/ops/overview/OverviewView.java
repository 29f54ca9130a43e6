package ai.cascade.ops.overview;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.ConsoleView;
import ai.cascade.ops.ui.FigureList;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.fxml.FXML;
import javafx.scene.control.Label;

import java.util.Map;

import static ai.cascade.ops.ui.Figures.bytes;
import static ai.cascade.ops.ui.Figures.count;
import static ai.cascade.ops.ui.Figures.duration;
import static ai.cascade.ops.ui.Figures.percent;

/** The first page: users, subscriptions, Postgres and Redis at a glance, each part loading on its own. */
public final class OverviewView extends FxmlView implements ConsoleView {
    @FXML private LoadPane usersPane;
    @FXML private FigureList usersList;
    @FXML private LoadPane subscriptionsPane;
    @FXML private FigureList subscriptionsList;
    @FXML private LoadPane postgresPane;
    @FXML private FigureList postgresList;
    @FXML private LoadPane redisPane;
    @FXML private FigureList redisList;
    @FXML private Label newestSignup;

    private final OverviewFigures figures;
    private final BackgroundWork work;
    private final TimeDisplay time;
    private OverviewFigures.Users lastUsers;

    public OverviewView(OverviewFigures figures, BackgroundWork work, TimeDisplay time) {
        this.figures = figures;
        this.work = work;
        this.time = time;
    }

    @Override
    protected void didLoad() {
        time.utcProperty().addListener((o, was, now) -> showNewest());
    }

    @Override
    public void refresh() {
        root();
        usersPane.load(work, "Counting users", figures::users, this::showUsers);
        subscriptionsPane.load(work, "Counting subscriptions", figures::subscriptions, this::showSubscriptions);
        postgresPane.load(work, "Reading Postgres", figures::postgres, this::showPostgres);
        redisPane.load(work, "Reading Redis", c -> figures.redis(), this::showRedis);
    }

    private void showUsers(OverviewFigures.Users u) {
        lastUsers = u;
        usersList.clear().add("All users", count(u.total()), "Rows in cascade_users, counted exactly.");
        for (Map.Entry<String, Long> e : u.byTier().entrySet())
            usersList.add("  " + e.getKey(), count(e.getValue()), u.total() == 0 ? 0.0 : (double) e.getValue() / u.total(),
                    percent(e.getValue(), u.total()) + " of users are on the tier \"" + e.getKey() + "\" (cascade_users.subscription_tier).");
        usersList.add("Logged in, last 24 h", count(u.loggedInLast24h()), "Users whose last_login is within the last 24 hours.")
                .add("Joined, last 7 days", count(u.joinedLast7d()), "Users created in the last 7 days.");
        showNewest();
    }

    private void showNewest() {
        if (lastUsers != null) newestSignup.setText("Newest sign-up: " + time.formatUtc(lastUsers.newestSignup()));
    }

    private void showSubscriptions(OverviewFigures.Subscriptions s) {
        long total = s.byStatus().values().stream().mapToLong(Long::longValue).sum();
        subscriptionsList.clear();
        s.byStatus().forEach((status, n) -> subscriptionsList.add(status, count(n), total == 0 ? 0.0 : (double) n / total,
                percent(n, total) + " of subscriptions have Stripe's status \"" + status + "\"." + statusMeaning(status)));
        subscriptionsList.add("Period ends within 7 days", count(s.endingWithin7Days()), null,
                "Active, trialing or past-due subscriptions whose current period ends in the next 7 days");
    }

    private void showPostgres(OverviewFigures.Postgres p) {
        postgresList.clear()
                .add("Server", "PostgreSQL " + p.version(), "server_version of the connected server.")
                .add("Database size", bytes(p.databaseBytes()), "pg_database_size of this database: tables, indexes and TOAST.")
                .add("Connections", count(p.connections()) + " of " + count(p.maxConnections()),
                        p.maxConnections() == 0 ? 0.0 : (double) p.connections() / p.maxConnections(),
                        "Client connections (pg_stat_activity) against max_connections. Above half, find who holds them before new logins are refused.")
                .add("Live collaboration sessions", count(p.liveCollaborations()), "collaboration_sessions rows with ended_at still empty.");
    }

    private static String statusMeaning(String status) {
        return switch (status) {
            case "past_due" -> " The latest payment failed; Stripe retries it.";
            case "unpaid" -> " Retries are exhausted; invoices stay open.";
            case "incomplete" -> " The first payment needs action within 23 hours.";
            case "incomplete_expired" -> " The first payment never succeeded.";
            case "paused" -> " A trial ended without a payment method.";
            case "trialing" -> " In a free trial.";
            default -> "";
        };
    }

    private void showRedis(OverviewFigures.Redis r) {
        redisList.clear()
                .add("Server", "Redis " + r.version() + ", up " + duration(r.uptimeSeconds()), "redis_version and uptime_in_seconds from INFO.")
                .add("Keys", count(r.keyCount()), "DBSIZE of the selected database.")
                .add("Memory used", bytes(r.usedMemory()) + (r.maxMemory() > 0 ? " of " + bytes(r.maxMemory()) : " (no limit)"),
                        r.maxMemory() > 0 ? (double) r.usedMemory() / r.maxMemory() : null,
                        "used_memory against maxmemory. Near the limit Redis evicts keys (or refuses writes under noeviction).")
                .add("Clients", count(r.clients()), "connected_clients from INFO.")
                .add("Hit rate since start", percent(r.hits(), r.hits() + r.misses()), null,
                        "Lifetime keyspace hits / (hits + misses) from INFO stats; the Cache view shows it per interval");
    }
}
