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
        usersList.clear().add("All users", count(u.total()));
        for (Map.Entry<String, Long> e : u.byTier().entrySet())
            usersList.add("  " + e.getKey(), count(e.getValue()), u.total() == 0 ? 0.0 : (double) e.getValue() / u.total(), percent(e.getValue(), u.total()));
        usersList.add("Logged in, last 24 h", count(u.loggedInLast24h())).add("Joined, last 7 days", count(u.joinedLast7d()));
        showNewest();
    }

    private void showNewest() {
        if (lastUsers != null) newestSignup.setText("Newest sign-up: " + time.formatUtc(lastUsers.newestSignup()));
    }

    private void showSubscriptions(OverviewFigures.Subscriptions s) {
        long total = s.byStatus().values().stream().mapToLong(Long::longValue).sum();
        subscriptionsList.clear();
        s.byStatus().forEach((status, n) -> subscriptionsList.add(status, count(n), total == 0 ? 0.0 : (double) n / total, percent(n, total)));
        subscriptionsList.add("Period ends within 7 days", count(s.endingWithin7Days()), null,
                "Active, trialing or past-due subscriptions whose current period ends in the next 7 days");
    }

    private void showPostgres(OverviewFigures.Postgres p) {
        postgresList.clear()
                .add("Server", "PostgreSQL " + p.version())
                .add("Database size", bytes(p.databaseBytes()))
                .add("Connections", count(p.connections()) + " of " + count(p.maxConnections()),
                        p.maxConnections() == 0 ? 0.0 : (double) p.connections() / p.maxConnections(), "Client backends vs max_connections")
                .add("Live collaboration sessions", count(p.liveCollaborations()));
    }

    private void showRedis(OverviewFigures.Redis r) {
        redisList.clear()
                .add("Server", "Redis " + r.version() + ", up " + duration(r.uptimeSeconds()))
                .add("Keys", count(r.keys()))
                .add("Memory used", bytes(r.usedMemory()) + (r.maxMemory() > 0 ? " of " + bytes(r.maxMemory()) : " (no limit)"),
                        r.maxMemory() > 0 ? (double) r.usedMemory() / r.maxMemory() : null, null)
                .add("Clients", count(r.clients()))
                .add("Hit rate since start", percent(r.hits(), r.hits() + r.misses()), null,
                        "Lifetime keyspace hits / (hits + misses) from INFO stats; the Cache view shows it per interval");
    }
}
