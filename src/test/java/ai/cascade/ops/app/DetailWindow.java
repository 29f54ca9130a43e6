package ai.cascade.ops.app;

import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.users.UserDetailFixtures;
import ai.cascade.ops.users.UserDetailPane;
import ai.cascade.ops.users.UserDetails;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ScrollPane;
import javafx.stage.Stage;

import java.time.Duration;
import java.time.ZoneId;

/**
 * The users' detail pane (the view that reads Stripe and Venice) on the running console's workspace and background
 * work, in a window of its own: the outage tests click its "Load from …" buttons and read what it shows.
 */
final class DetailWindow implements AutoCloseable {
    private final UserDetailPane pane;
    private final Stage window;
    private final UserDetailFixtures.Users users;

    private DetailWindow(UserDetailPane pane, Stage window, UserDetailFixtures.Users users) {
        this.pane = pane;
        this.window = window;
        this.users = users;
    }

    /** Opens the pane on Foscari_Banker (whose Stripe customer the wire fakes know); call off the FX thread. */
    static DetailWindow open(Console console, UserDetailFixtures.Users users) {
        DetailWindow w = Fx.read(() -> {
            UserDetailPane p = new UserDetailPane(new UserDetails(console.workspace(), "outage"), console.work(), new TimeDisplay(ZoneId.of("UTC")));
            Stage s = new Stage();
            s.setScene(new Scene(p.root(), 480, 900));
            s.show();
            p.show(users.foscari(), UserDetailFixtures.FOSCARI, UserDetailFixtures.CUSTOMER);
            return new DetailWindow(p, s, users);
        });
        Fx.until(Duration.ofSeconds(30), "the detail offers its Stripe and Venice buttons",
                () -> !part("stripePane", w).isBusy() && !part("venicePane", w).isBusy());
        return w;
    }

    /**
     * Clicks {@code buttonId} and waits (generously: a hang fails, slowness does not) until its part has loaded or
     * failed: null when it shows an answer, else the problem it shows.
     */
    String load(String paneId, String buttonId) {
        Fx.until(Duration.ofSeconds(30), buttonId + " is offered", () -> node(buttonId).isVisible() && !part(paneId, this).isBusy());
        Fx.run(() -> ((Button) node(buttonId)).fire());
        Fx.until(Duration.ofSeconds(90), paneId + " loaded or failed", () -> !part(paneId, this).isBusy());
        return Fx.read(() -> part(paneId, this).problemProperty().get());
    }

    private Node node(String id) {
        return ((ScrollPane) pane.root()).getContent().lookup("#" + id);
    }

    private static LoadPane part(String id, DetailWindow w) {
        return (LoadPane) w.node(id);
    }

    @Override
    public void close() {
        Fx.run(window::hide);
    }
}
