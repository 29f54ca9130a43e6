package ai.cascade.ops.testing;

import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.PageSection;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testfx.api.FxToolkit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * The stage a headless view test shows its view on: TestFX's stage shown empty as the console looks
 * ({@link Fx#showEmpty}) before each test, the view put in as the scene's root, and what the test opened for the
 * view (its {@link BackgroundWork}, samplers, wire fakes) closed after each test, the last opened first.
 * <pre>{@code
 * @ExtendWith(ApplicationExtension.class)
 * class SomeSectionTest {
 *     @RegisterExtension final TestStage window = new TestStage(1400, 900);
 * }</pre>
 * Registered on a field, it runs after TestFX's class-level {@code ApplicationExtension} has registered the stage,
 * so the test needs no {@code @Start}; it closes after the test's own {@code @AfterEach} methods and before
 * TestFX takes the stage down.
 */
public final class TestStage implements BeforeEachCallback, AfterEachCallback {
    private final double width;
    private final double height;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private Stage stage;

    public TestStage(double width, double height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        stage = FxToolkit.toolkitContext().getRegisteredStage();
        Fx.run(() -> Fx.showEmpty(stage, width, height));
    }

    public Stage stage() {
        return stage;
    }

    public Scene scene() {
        return stage.getScene();
    }

    /** {@code root} as the scene's root (in a StackPane, as a page sits in the console), on the FX thread. */
    public void put(Node root) {
        if (Platform.isFxApplicationThread()) scene().setRoot(new StackPane(root));
        else Fx.run(() -> scene().setRoot(new StackPane(root)));
    }

    /** Background work of {@code threads} threads for the view, closed after the test. */
    public BackgroundWork work(int threads) {
        return closeAfter(new BackgroundWork(threads));
    }

    /** {@code resource}, closed after the test (before what was opened earlier). */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        opened.push(resource);
        return resource;
    }

    /**
     * On the FX thread: the section {@code make} builds on new background work of {@code threads} threads, put in
     * as the root and refreshed, as the console does when its tab is shown.
     */
    public <S extends PageSection> S open(int threads, Function<BackgroundWork, S> make) {
        return Fx.read(() -> {
            S section = make.apply(work(threads));
            put(section.root());
            section.refresh();
            return section;
        });
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
