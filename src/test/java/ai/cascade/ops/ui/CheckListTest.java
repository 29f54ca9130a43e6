package ai.cascade.ops.ui;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.Check;
import ai.cascade.ops.backend.Verdict;
import ai.cascade.ops.testing.Fx;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The check list: worst first, passing checks folded on request, opened details kept across refreshes. */
@ExtendWith(ApplicationExtension.class)
class CheckListTest {
    CheckList list;

    static final Check OK_A = Check.of(Backend.POSTGRES, "postgres.a", "A passes", Verdict.OK, "fine", "", "");
    static final Check OK_B = Check.of(Backend.REDIS, "redis.b", "B passes", Verdict.OK, "fine", "", "");
    static final Check WARN = Check.of(Backend.REDIS, "redis.w", "W warns", Verdict.WARNING, "meh", "look", "");
    static final Check RED = new Check(Backend.POSTGRES, "postgres.r", "R is red", Verdict.CRITICAL, "bad", "fix it", "activity",
            List.of("pid 42 · SELECT pg_sleep(600)"));

    @Start
    void start(Stage stage) {
        list = new CheckList();
        stage.setScene(new Scene(list, 600, 400));
        stage.show();
    }

    @Test
    void worstComesFirstAndPassingChecksFoldBehindOneLink() {
        Fx.run(() -> {
            list.setFoldPassing(true);
            list.show(List.of(OK_A, WARN, OK_B, RED));
        });
        assertThat(Fx.read(() -> list.shown())).extracting(Check::id).containsExactly("postgres.r", "redis.w", "postgres.a", "redis.b");
        assertThat(Fx.read(() -> visibleTitles())).containsExactly("R is red", "W warns");
        Hyperlink toggle = Fx.read(() -> (Hyperlink) list.lookup(".check-passing-toggle"));
        assertThat(Fx.read(toggle::getText)).isEqualTo("Show the 2 passing checks");
        Fx.run(toggle::fire);
        assertThat(Fx.read(() -> visibleTitles())).containsExactly("R is red", "W warns", "A passes", "B passes");
        // a refresh keeps what the reader chose
        Fx.run(() -> list.show(List.of(OK_A, WARN, OK_B, RED)));
        assertThat(Fx.read(() -> visibleTitles())).hasSize(4);
    }

    @Test
    void whenEverythingPassesEveryCheckShows() {
        Fx.run(() -> {
            list.setFoldPassing(true);
            list.show(List.of(OK_A, OK_B));
        });
        assertThat(Fx.read(() -> visibleTitles())).containsExactly("A passes", "B passes");
        assertThat(Fx.read(() -> list.lookup(".check-passing-toggle"))).isNull();
    }

    @Test
    void openedDetailsStayOpenAcrossARefresh() {
        Fx.run(() -> list.show(List.of(RED, OK_A)));
        Fx.run(() -> ((Hyperlink) list.getChildren().get(0).lookupAll(".hyperlink").iterator().next()).fire());
        assertThat(Fx.read(() -> list.lookup(".check-details").isVisible())).isTrue();
        Fx.run(() -> list.show(List.of(RED, OK_A)));
        assertThat(Fx.read(() -> list.lookup(".check-details").isVisible())).isTrue();
        assertThat(Fx.read(() -> ((Label) list.lookup(".check-details")).getText())).contains("pid 42");
    }

    private List<String> visibleTitles() {
        return list.getChildren().stream().filter(Node::isVisible).filter(n -> n.getUserData() instanceof Check)
                .map(n -> ((Check) n.getUserData()).title()).toList();
    }
}
