package ai.cascade.ops.app;

import ai.cascade.ops.billing.SubscriptionEditDialog;
import ai.cascade.ops.billing.SubscriptionsView;
import ai.cascade.ops.sessions.SessionsView;
import ai.cascade.ops.users.UsersView;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the screenshot run pictures beyond one picture per page: a user's detail, invoices, index advice, the
 * collaborations tab, and the support dialogs (edit, edits in flight, drift check, connections).
 */
final class ConsoleTour {
    private ConsoleTour() {}

    static ScreenshotTour of(ShellView shell, StatusBar statusBar, Scene scene, Path folder, BooleanSupplier idle,
                             Supplier<Parent> connections, Supplier<Parent> thresholds) {
        SubscriptionEditDialog[] editDialog = {null};   // prepared by its close-up, pictured with the dialogs
        Parent[] journal = {null};
        Parent[] drift = {null};
        return new ScreenshotTour(shell, statusBar, scene, folder)
                .waitingFor(idle)
                .withCloseUp("02b-user-detail", ViewId.USERS, () -> {
                    if (shell.view(ViewId.USERS) instanceof UsersView users && !users.table().getItems().isEmpty())
                        users.table().getSelectionModel().select(Math.min(2, users.table().getItems().size() - 1));
                })
                .withCloseUp("02d-invoices", ViewId.USERS, () -> {
                    if (!(shell.view(ViewId.USERS) instanceof UsersView users)) return;
                    // a customer behind on payment shows both actions: Retry payment… on the open invoice, Refund… on a paid one
                    users.table().getItems().stream().filter(r -> r != null && r.customerId() != null && "past_due".equals(r.status()))
                            .findFirst().ifPresent(r -> users.table().getSelectionModel().select(r));
                    loadStripeWhenOffered(shell.content());
                })
                .withCloseUp("02c-index-advice", ViewId.USERS, () -> {
                    if (shell.view(ViewId.USERS) instanceof UsersView users) {
                        users.closeDetail();
                        users.search("Marco.Foscari@Gmail.com");
                    }
                })
                .withCloseUp("05b-collaborations", ViewId.SESSIONS, () -> {
                    if (shell.view(ViewId.SESSIONS) instanceof SessionsView sessions) sessions.showCollaborations();
                })
                .withCloseUp("03a-subscription-selected", ViewId.SUBSCRIPTIONS, () -> {
                    if (!(shell.view(ViewId.SUBSCRIPTIONS) instanceof SubscriptionsView subs)) return;
                    editDialog[0] = subs.pictureEdit();
                    journal[0] = subs.pictureJournal();
                    var check = subs.pictureDrift();
                    drift[0] = check == null ? null : check.root();
                })
                .withCloseUp("04b-cache-inventory", ViewId.CACHE, () -> {
                    openTab(shell, ViewId.CACHE, "inventory");
                    javafx.application.Platform.runLater(() -> runInventory(shell.content()));   // once the tab's content is in the scene
                })
                .withCloseUp("04c-cache-keys", ViewId.CACHE, () -> {
                    openTab(shell, ViewId.CACHE, "keys");
                    javafx.application.Platform.runLater(() -> browse(shell.content(), "cascade:session:"));
                })
                .withCloseUp("04d-cache-slowlog", ViewId.CACHE, () -> openTab(shell, ViewId.CACHE, "slowlog"))
                .withCloseUp("04e-cache-buffer", ViewId.CACHE, () -> openTab(shell, ViewId.CACHE, "buffer-cache"))
                .withCloseUp("06b-database-activity", ViewId.DATABASE, () -> openDatabaseTab(shell, "activity"))
                .withCloseUp("06c-database-statements", ViewId.DATABASE, () -> openDatabaseTab(shell, "statements"))
                .withCloseUp("06d-database-space", ViewId.DATABASE, () -> openDatabaseTab(shell, "space"))
                .withCloseUp("06e-database-pool", ViewId.DATABASE, () -> openDatabaseTab(shell, "pool"))
                .withCloseUp("06f-database-trends", ViewId.DATABASE, () -> openDatabaseTab(shell, "trends"))
                .withCloseUp("07b-audit-entry", ViewId.AUDIT, () -> {
                    if (!(shell.view(ViewId.AUDIT) instanceof ai.cascade.ops.audit.AuditView audit)) return;
                    // the page reloads on every visit: select the newest entry once it is there
                    audit.table().getItems().addListener(new javafx.collections.ListChangeListener<>() {
                        @Override public void onChanged(Change<? extends ai.cascade.ops.audit.AuditEntry> c) {
                            if (audit.table().getItems().isEmpty()) return;
                            audit.table().getItems().removeListener(this);
                            audit.table().getSelectionModel().select(0);
                        }
                    });
                })
                // last of the close-ups, so the charts have the tour's minute of samples behind them
                .withCloseUp("04f-cache-over-time", ViewId.CACHE, () -> openTab(shell, ViewId.CACHE, "trends"))
                .withDialog("03b-subscription-edit", () -> editDialog[0] != null ? editDialog[0].root()
                        : new Label("No active subscription with a Stripe id to picture."))
                .withDialog("03c-edits-in-flight", () -> journal[0] != null ? journal[0] : new Label("No journal."))
                .withDialog("03d-drift-check", () -> drift[0] != null ? drift[0] : new Label("No drift check."))
                .withDialog("08-connections", connections)
                .withDialog("08b-check-thresholds", thresholds);
    }

    private static void openDatabaseTab(ShellView shell, String id) {
        openTab(shell, ViewId.DATABASE, id);
    }

    private static void openTab(ShellView shell, ViewId page, String id) {
        if (shell.view(page) instanceof ai.cascade.ops.ui.SectionedPage p) p.open(id);
    }

    /** Runs the full inventory and selects the first family (sessions) so its histograms show. */
    private static void runInventory(Parent scope) {
        if (!(scope.lookup("#inventory-run") instanceof javafx.scene.control.Button run)) return;
        if (scope.lookup("#inventory-families") instanceof javafx.scene.control.TableView<?> table)
            table.getItems().addListener((javafx.collections.ListChangeListener<Object>) c -> {
                if (table.getSelectionModel().isEmpty() && !table.getItems().isEmpty())
                    javafx.application.Platform.runLater(() -> table.getSelectionModel().select(0));
            });
        run.fire();
    }

    /** Searches the key browser for {@code prefix} and previews the first key found. */
    private static void browse(Parent scope, String prefix) {
        if (!(scope.lookup("#keySearchField") instanceof javafx.scene.control.TextField field)
                || !(scope.lookup("#searchButton") instanceof javafx.scene.control.Button search)
                || !(scope.lookup("#resultsList") instanceof javafx.scene.control.ListView<?> results)) return;
        results.getItems().addListener((javafx.collections.ListChangeListener<Object>) c -> {
            if (results.getSelectionModel().isEmpty() && !results.getItems().isEmpty()) results.getSelectionModel().select(0);
        });
        field.setText(prefix);
        search.fire();
    }

    /** For the screenshot tour: clicks "Load from Stripe" in {@code scope} once it is offered, and keeps the end (invoices) in view. */
    private static void loadStripeWhenOffered(javafx.scene.Parent scope) {
        if (!(scope.lookup("#stripeButton") instanceof javafx.scene.control.Button load)) return;
        if (scope.lookup(".user-detail") instanceof javafx.scene.control.ScrollPane sp)
            sp.getContent().layoutBoundsProperty().addListener((o, was, now) -> sp.setVvalue(sp.getVmax()));
        if (load.isVisible()) {   // the user shown already offers it
            load.fire();
            return;
        }
        load.visibleProperty().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean was, Boolean offered) {
                if (!offered) return;
                load.visibleProperty().removeListener(this);
                load.fire();
            }
        });
    }
}
