package ai.cascade.ops.ui;

import ai.cascade.ops.testing.Fx;
import javafx.scene.Parent;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A page's nodes built ahead on another thread are the ones shown, wired once, on the FX thread. */
@ExtendWith(ApplicationExtension.class)
class FxmlViewTest {

    @Start
    void start(Stage stage) {
        Fx.showEmpty(stage, 200, 100);
    }

    @Test
    void nodesPrebuiltOffTheFxThreadAreShownAndDidLoadRunsOnceOnTheFxThread() throws Exception {
        PrebuiltPage page = new PrebuiltPage();
        CompletableFuture.runAsync(page::prebuild).get(30, TimeUnit.SECONDS);
        assertThat(page.loads).as("not wired before it is shown").hasValue(0);
        Parent built = page.title.getParent();

        Parent shown = Fx.read(page::root);

        assertThat(shown).isSameAs(built);
        assertThat(page.loads).hasValue(1);
        assertThat(page.loadedOnFx).isTrue();
        assertThat(page.titleSeenInDidLoad).isEqualTo("Prebuilt");
        page.prebuild();   // once shown, a late prebuild changes nothing
        assertThat(Fx.read(page::root)).isSameAs(shown);
        assertThat(page.title.getParent()).isSameAs(shown);
    }

    @Test
    void aPageShownWhilePrebuildsRaceIsLoadedOnceIntoOneSetOfNodes() throws Exception {
        // Many rounds of a prebuild racing the FX thread's first root(): the fields must always belong to the root shown.
        for (int round = 0; round < 50; round++) {
            PrebuiltPage page = new PrebuiltPage();
            List<CompletableFuture<Void>> builders = new ArrayList<>();
            for (int i = 0; i < 3; i++) builders.add(CompletableFuture.runAsync(page::prebuild));
            Parent shown = Fx.read(page::root);
            for (var b : builders) b.get(30, TimeUnit.SECONDS);
            assertThat(page.loads).as("round " + round).hasValue(1);
            assertThat(page.title.getParent()).as("round " + round + ": the fields are the shown root's").isSameAs(shown);
            assertThat(page.table.getParent()).isSameAs(shown);
        }
    }
}
