package ai.cascade.ops.database;

import ai.cascade.ops.backend.Connections;
import ai.cascade.ops.cache.RedisConnection;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.testing.TestStage;
import ai.cascade.ops.ui.TimeDisplay;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Over time" tab, headless, sampling a real Postgres every second: points arrive, Pause stops them, Resume restarts. */
@ExtendWith(ApplicationExtension.class)
class TrendsSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    static Database db;

    @RegisterExtension final TestStage window = new TestStage(1400, 900);
    DatabaseTrends trends;
    TrendsSection section;

    @BeforeAll
    static void setUp() {
        db = TestServers.freshDatabase("trends_view");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private void open(Database database) {
        open(new AtomicReference<>(database));
    }

    private void open(AtomicReference<Database> server) {
        trends = window.closeAfter(new DatabaseTrends(new Connections() {
            @Override public Database database() { return server.get(); }
            @Override public RedisConnection redis() { throw new IllegalStateException("the trends use no Redis"); }
        }));
        Fx.run(() -> {
            section = new TrendsSection(trends, new TimeDisplay(ZoneId.of("UTC")));
            DatabaseView view = new DatabaseView(List.of(section));
            window.put(view.root());
            view.refresh();   // shows the only tab: sampling starts
            section.intervalChoice().setValue(1);
        });
    }

    @Test
    void theChartsGetPointsAsSamplesArriveAndTheNewestFiguresShowAboveThem() {
        open(db);

        Fx.until(BOUND, "three samples charted", () -> section.sessionPoints() >= 3 && section.transactionPoints() >= 2);
        assertThat(trends.intervalSeconds()).isEqualTo(1);
        assertThat(Fx.read(() -> ((Label) window.scene().lookup("#trends-sessions")).getText())).contains("connected").contains("idle");
        assertThat(Fx.read(() -> ((Label) window.scene().lookup("#trends-transactions")).getText())).contains("commits/s");
        for (String chart : List.of("#trends-sessions-chart", "#trends-transactions-chart", "#trends-tuples-chart", "#trends-cache-chart")) {
            LineChart<?, ?> c = Fx.read(() -> (LineChart<?, ?>) window.scene().lookup(chart));
            assertThat(c.getAnimated()).as(chart + " animated").isFalse();
            assertThat(c.getCreateSymbols()).as(chart + " symbols").isFalse();
        }
        assertThat(Fx.read(() -> section.note().isVisible())).isFalse();
    }

    @Test
    void pauseStopsNewPointsAndResumeStartsThemAgain(FxRobot robot) throws Exception {
        open(db);
        Fx.until(BOUND, "two samples charted", () -> section.sessionPoints() >= 2);

        robot.clickOn("#trends-pause");
        WaitForAsyncUtils.waitForFxEvents();
        int paused = Fx.read(section::sessionPoints);
        assertThat(Fx.read(() -> section.pauseButton().getText())).isEqualTo("Resume");
        assertThat(trends.isPaused()).isTrue();
        Thread.sleep(3_500);   // three intervals of 1 s
        assertThat(Fx.read(section::sessionPoints)).as("points charted while paused").isEqualTo(paused);

        robot.clickOn("#trends-pause");
        Fx.until(BOUND, "a new point after resuming", () -> section.sessionPoints() > paused);
        assertThat(Fx.read(() -> section.pauseButton().getText())).isEqualTo("Pause");
    }

    @Test
    void anUnreachableServerShowsAGapNoteAndNoPointsUntilItAnswersAgain() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Database down = TestServers.open("postgresql://postgres@localhost:" + closedPort + "/trends")) {
            AtomicReference<Database> server = new AtomicReference<>(down);
            open(server);
            Fx.until(BOUND, "the gap explained", () -> section.note().isVisible());

            assertThat(Fx.read(() -> section.note().getText())).contains("no sample").contains("refused the connection");
            assertThat(Fx.read(section::sessionPoints)).isZero();

            server.set(db);   // the server answers again
            Fx.until(BOUND, "points after the gap", () -> section.sessionPoints() >= 2);
            assertThat(Fx.read(() -> section.note().getText())).contains("Answering again since");
        }
    }
}
