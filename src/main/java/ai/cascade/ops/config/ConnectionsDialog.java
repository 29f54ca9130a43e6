package ai.cascade.ops.config;

import ai.cascade.ops.backend.Health;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.Problems;
import javafx.fxml.FXML;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.kordamp.ikonli.javafx.FontIcon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Add, edit, test and switch connection profiles. Secrets sit in masked fields and never in a label. */
public final class ConnectionsDialog extends FxmlView {
    @FXML private ListView<String> profileList;
    @FXML private TextField nameField;
    @FXML private TextField postgresUrlField;
    @FXML private PasswordField postgresPasswordField;
    @FXML private TextField redisUrlField;
    @FXML private PasswordField redisPasswordField;
    @FXML private TextField veniceUrlField;
    @FXML private PasswordField stripeKeyField;
    @FXML private CheckBox productionBox;
    @FXML private CheckBox readOnlyBox;
    @FXML private Label problemsLabel;
    @FXML private VBox testResults;
    @FXML private Button saveButton;
    @FXML private Button deleteButton;
    @FXML private Button testButton;
    @FXML private Button connectButton;
    @FXML private Button newButton;
    @FXML private Button closeButton;
    @FXML private VBox form;
    @FXML private Label builtInNote;

    private final SettingsStore store;
    private final BackgroundWork work;
    private final Function<ConnectionProfile, List<Health>> tester;
    private final ConnectionProfile active;
    private Stage stage;
    private ConnectionProfile chosen;
    private String editing;

    public ConnectionsDialog(SettingsStore store, BackgroundWork work, ConnectionProfile active,
                             Function<ConnectionProfile, List<Health>> tester) {
        this.store = store;
        this.work = work;
        this.active = active;
        this.tester = tester;
    }

    @Override
    protected void didLoad() {
        profileList.getSelectionModel().selectedItemProperty().addListener((o, was, name) -> { if (name != null) edit(name); });
        reloadList(active == null ? ConnectionProfile.DEMO_NAME : active.name());
        newButton.setOnAction(e -> { profileList.getSelectionModel().clearSelection(); fill(ProfileForm.of(blank())); editing = null; setBuiltIn(false); });
        saveButton.setOnAction(e -> save());
        deleteButton.setOnAction(e -> delete());
        testButton.setOnAction(e -> test());
        connectButton.setOnAction(e -> connect());
        closeButton.setOnAction(e -> stage.close());
    }

    /** Shows the dialog modally; the profile to switch to, if the operator chose one. */
    public Optional<ConnectionProfile> showAndChoose(Window owner) {
        stage = new Stage();
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("Connections");
        Scene scene = new Scene(root(), 900, 600);
        if (owner != null && owner.getScene() != null) scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        stage.setScene(scene);
        stage.showAndWait();
        return Optional.ofNullable(chosen);
    }

    private void reloadList(String select) {
        List<String> names = new ArrayList<>();
        names.add(ConnectionProfile.DEMO_NAME);
        ProfileChoice.fromEnvironment(System.getenv()).ifPresent(p -> names.add(p.name()));
        store.snapshot().profiles.forEach(p -> names.add(p.name()));
        profileList.getItems().setAll(names);
        profileList.getSelectionModel().select(names.contains(select) ? select : ConnectionProfile.DEMO_NAME);
    }

    private void edit(String name) {
        editing = name;
        problemsLabel.setText("");
        testResults.getChildren().clear();
        boolean builtIn = name.equals(ConnectionProfile.DEMO_NAME) || name.equals(ConnectionProfile.ENVIRONMENT_NAME);
        setBuiltIn(builtIn);
        if (name.equals(ConnectionProfile.DEMO_NAME)) fill(ProfileForm.of(new ConnectionProfile(name, false, false, "", "", "", "")));
        else if (name.equals(ConnectionProfile.ENVIRONMENT_NAME)) ProfileChoice.fromEnvironment(System.getenv()).ifPresent(p -> fill(ProfileForm.of(p)));
        else store.snapshot().profile(name).ifPresent(p -> fill(ProfileForm.of(p)));
    }

    private void setBuiltIn(boolean builtIn) {
        form.setDisable(builtIn);
        saveButton.setDisable(builtIn);
        deleteButton.setDisable(builtIn);
        testButton.setDisable(ConnectionProfile.DEMO_NAME.equals(editing));   // the demo's servers start with it
        builtInNote.setVisible(builtIn);
        builtInNote.setManaged(builtIn);
        builtInNote.setText(ConnectionProfile.DEMO_NAME.equals(editing)
                ? "The demo runs embedded PostgreSQL and Redis with generated data on this computer."
                : "Read from the environment variables DATABASE_URL, REDIS_URL, VENICE_API_URL and STRIPE_API_KEY.");
    }

    private void fill(ProfileForm f) {
        nameField.setText(f.name());
        postgresUrlField.setText(f.postgresUrl());
        postgresPasswordField.setText(f.postgresPassword());
        redisUrlField.setText(f.redisUrl());
        redisPasswordField.setText(f.redisPassword());
        veniceUrlField.setText(f.veniceUrl());
        stripeKeyField.setText(f.stripeKey());
        productionBox.setSelected(f.production());
        readOnlyBox.setSelected(f.readOnly());
    }

    ProfileForm form() {
        UrlCredentials.Split pg = UrlCredentials.split(postgresUrlField.getText());
        UrlCredentials.Split redis = UrlCredentials.split(redisUrlField.getText());
        // A pasted URL with its password moves the password into the masked field.
        String pgPassword = pg.password().isEmpty() ? postgresPasswordField.getText() : pg.password();
        String redisPassword = redis.password().isEmpty() ? redisPasswordField.getText() : redis.password();
        return new ProfileForm(nameField.getText(), pg.url(), pgPassword, redis.url(), redisPassword,
                veniceUrlField.getText(), stripeKeyField.getText(), productionBox.isSelected(), readOnlyBox.isSelected());
    }

    private boolean save() {
        ProfileForm f = form();
        List<String> others = new ArrayList<>();
        store.snapshot().profiles.forEach(p -> { if (!p.name().equals(editing)) others.add(p.name()); });
        List<String> problems = f.problems(others);
        if (!problems.isEmpty()) {
            problemsLabel.setText(String.join("\n", problems));
            return false;
        }
        ConnectionProfile p = f.toProfile();
        String replaced = editing;
        try {
            store.update(s -> {
                s.profiles.removeIf(x -> x.name().equals(replaced) || x.name().equals(p.name()));
                s.profiles.add(p);
            });
        } catch (IOException e) {
            problemsLabel.setText("Could not save the settings file " + store.file() + ": " + e.getMessage());
            return false;
        }
        fill(ProfileForm.of(p));
        problemsLabel.setText("");
        reloadList(p.name());
        return true;
    }

    private void delete() {
        String name = editing;
        if (name == null) return;
        try {
            store.update(s -> s.profiles.removeIf(x -> x.name().equals(name)));
        } catch (IOException e) {
            problemsLabel.setText("Could not save the settings file " + store.file() + ": " + e.getMessage());
            return;
        }
        reloadList(ConnectionProfile.DEMO_NAME);
    }

    private void test() {
        ProfileForm f = form();
        List<String> problems = f.problems(List.of());
        problems.removeIf(p -> p.startsWith("Give the profile") || p.contains("reserved") || p.startsWith("Another profile"));
        testResults.getChildren().setAll(new Label("Testing…"));
        if (!problems.isEmpty()) {
            testResults.getChildren().setAll(new Label(String.join("\n", problems)));
            return;
        }
        ConnectionProfile p = f.toProfile();
        testButton.setDisable(true);
        work.run("Testing " + (p.name().isBlank() ? "the profile" : p.name()), c -> tester.apply(p), results -> {
            testButton.setDisable(false);
            testResults.getChildren().clear();
            for (Health h : results) {
                Label l = new Label(h.backend().label() + ": " + h.message()
                        + (h.latency() == null ? "" : " (" + h.latency().toMillis() + " ms)"), icon(h.state()));
                l.setWrapText(true);
                l.getStyleClass().add("state-" + h.state().name().toLowerCase().replace('_', '-'));
                testResults.getChildren().add(l);
            }
        }, e -> {
            testButton.setDisable(false);
            testResults.getChildren().setAll(new Label(Problems.describe(e)));
        });
    }

    private static FontIcon icon(Health.State s) {
        return new FontIcon(switch (s) {
            case CONNECTED -> "mdi2c-check-circle";
            case DEGRADED -> "mdi2a-alert";
            case DOWN -> "mdi2c-close-circle";
            default -> "mdi2m-minus-circle-outline";
        });
    }

    private void connect() {
        if (editing != null && editing.equals(ConnectionProfile.DEMO_NAME)) {
            chosen = new ConnectionProfile(ConnectionProfile.DEMO_NAME, false, false, "", "", "", "");
        } else if (editing != null && editing.equals(ConnectionProfile.ENVIRONMENT_NAME)) {
            chosen = ProfileChoice.fromEnvironment(System.getenv()).orElse(null);
        } else {
            if (!save()) return;
            chosen = form().toProfile();
        }
        stage.close();
    }

    private static ConnectionProfile blank() {
        return new ConnectionProfile("", false, false, "postgresql://", "redis://", "https://serenissima.ai/api", "");
    }
}
