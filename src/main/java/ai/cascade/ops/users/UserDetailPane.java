package ai.cascade.ops.users;

import ai.cascade.ops.billing.InvoicesPane;
import ai.cascade.ops.billing.SubscriptionEditModel;
import ai.cascade.ops.ui.BackgroundWork;
import ai.cascade.ops.ui.FactList;
import ai.cascade.ops.ui.Figures;
import ai.cascade.ops.ui.FxmlView;
import ai.cascade.ops.ui.LoadPane;
import ai.cascade.ops.ui.TimeDisplay;
import ai.cascade.ops.ui.Work;
import ai.cascade.ops.users.UserDetails.Account;
import ai.cascade.ops.users.UserDetails.Citizen;
import ai.cascade.ops.users.UserDetails.Collaboration;
import ai.cascade.ops.users.UserDetails.Login;
import ai.cascade.ops.users.UserDetails.PastSubscription;
import ai.cascade.ops.users.UserDetails.Session;
import ai.cascade.ops.users.UserDetails.StripeCustomer;
import ai.cascade.ops.users.UserDetails.StripeSubscription;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Everything about one user beside the users table: the account, the login session, open collaborations,
 * and on demand Stripe's and Venice's view, each part loading (and failing) on its own. Nothing personal is
 * read before the view of this user is recorded in Ops' schema.
 */
public final class UserDetailPane extends FxmlView {
    @FXML private Label placeholder;
    @FXML private VBox detail;
    @FXML private Label heading;
    @FXML private Label accessNote;
    @FXML private LoadPane accountPane;
    @FXML private FactList accountFacts;
    @FXML private VBox historyList;
    @FXML private Label metadataText;
    @FXML private LoadPane loginPane;
    @FXML private FactList sessionFacts;
    @FXML private VBox sessionProblems;
    @FXML private FactList rateLimitFacts;
    @FXML private LoadPane collaborationsPane;
    @FXML private VBox collaborationsList;
    @FXML private LoadPane stripePane;
    @FXML private Label stripeNote;
    @FXML private Button stripeButton;
    @FXML private FactList stripeFacts;
    @FXML private VBox stripeSubscriptions;
    @FXML private VBox invoicesHolder;
    @FXML private LoadPane venicePane;
    @FXML private Label veniceNote;
    @FXML private Button veniceButton;
    @FXML private FactList veniceFacts;

    private final UserDetails details;
    private final BackgroundWork work;
    private final TimeDisplay time;
    /** The customer's invoices and the Edit… buttons; null where the pane only shows (no edits wired in). */
    private final InvoicesPane invoices;

    /** The user shown now; results of an earlier one are dropped. */
    private Viewing viewing;
    // The last results, kept to show them again when the time zone switches.
    private Account account;
    private Login login;
    private List<Collaboration> collaborations;
    private StripeCustomer stripe;
    private Citizen citizen;

    private record Viewing(int userId, String username, String customerId, AccessGate gate) {}

    public UserDetailPane(UserDetails details, BackgroundWork work, TimeDisplay time) {
        this(details, work, time, null);
    }

    public UserDetailPane(UserDetails details, BackgroundWork work, TimeDisplay time, SubscriptionEditModel.Editing editing) {
        this.details = details;
        this.work = work;
        this.time = time;
        this.invoices = editing == null ? null : new InvoicesPane(editing, work, time);
    }

    @Override
    protected void didLoad() {
        for (Button b : List.of(stripeButton, veniceButton)) b.managedProperty().bind(b.visibleProperty());
        time.utcProperty().addListener((o, was, now) -> render());
        accountPane.problemProperty().addListener((o, was, problem) -> {
            if (problem != null && viewing != null && viewing.gate().recorded() == null)
                accessNote.setText("Your view of this user could not be recorded, so nothing about them is shown.");
        });
    }

    /**
     * Shows one user: records the view first, then loads the account, login session and collaborations, each on
     * its own; Stripe and Venice wait for a click. Call on the FX thread.
     */
    public void show(int userId, String username, String customerId) {
        root();
        Viewing v = new Viewing(userId, username, customerId, new AccessGate(details, userId));
        viewing = v;
        forget();
        placeholder.setVisible(false);
        detail.setVisible(true);
        heading.setText(username == null || username.isBlank() ? "User " + userId : username);
        accessNote.setText("Recording that you opened this user's detail…");
        accountPane.load(work, "Reading the account", afterAccess(v, c -> details.account(userId, c)),
                shown(v, a -> { account = a; renderAccount(); }));
        loginPane.load(work, "Reading the login session", afterAccess(v, c -> details.login(userId, c)),
                shown(v, l -> { login = l; renderLogin(); }));
        collaborationsPane.load(work, "Reading collaboration sessions", afterAccess(v, c -> details.collaborations(userId, username, c)),
                shown(v, list -> { collaborations = list; renderCollaborations(); }));
        stripePane.load(work, "Recording this view", afterAccess(v, c -> Boolean.TRUE), shown(v, ok -> offerStripe(v)));
        venicePane.load(work, "Recording this view", afterAccess(v, c -> Boolean.TRUE), shown(v, ok -> offerVenice()));
    }

    /** Shows the placeholder and stops loading what was shown. */
    public void clear() {
        root();
        viewing = null;
        for (LoadPane p : List.of(accountPane, loginPane, collaborationsPane, stripePane, venicePane)) p.cancel();
        forget();
        detail.setVisible(false);
        placeholder.setVisible(true);
    }

    /** A part's loader that first waits for the access record; asked again (Retry), it retries a failed record. */
    private <T> Work<T> afterAccess(Viewing v, Work<T> part) {
        AtomicBoolean askedBefore = new AtomicBoolean();
        return c -> {
            v.gate().await(c, askedBefore.getAndSet(true));
            return part.run(c);
        };
    }

    /** Shows a result only while its user is still the one shown, and notes the access record. */
    private <T> Consumer<T> shown(Viewing v, Consumer<T> show) {
        return value -> {
            if (viewing != v) return;
            noteAccess(v);
            show.accept(value);
        };
    }

    private void noteAccess(Viewing v) {
        UserDetails.Access a = v.gate().recorded();
        if (a != null) accessNote.setText("Your view was recorded as " + a.viewer() + " at " + time.formatUtc(a.at())
                + ": personal data access is accountable.");
    }

    private void forget() {
        account = null;
        login = null;
        collaborations = null;
        stripe = null;
        citizen = null;
        for (FactList f : List.of(accountFacts, sessionFacts, rateLimitFacts, stripeFacts, veniceFacts)) f.clear();
        for (VBox b : List.of(historyList, sessionProblems, collaborationsList, stripeSubscriptions, invoicesHolder)) b.getChildren().clear();
        for (Label l : List.of(metadataText, stripeNote, veniceNote, accessNote)) l.setText("");
        stripeButton.setVisible(false);
        veniceButton.setVisible(false);
        stripeButton.setText("Load from Stripe");
        veniceButton.setText("Load from Venice");
        warn(veniceNote, false);
    }

    /** A note in the warning colour, or muted; AtlantaFX's muted rule would win over its warning rule, so only one is set. */
    private static void warn(Label note, boolean warning) {
        note.getStyleClass().removeAll("warning", "text-muted");
        note.getStyleClass().add(warning ? "warning" : "text-muted");
    }

    private void render() {
        if (account != null) renderAccount();
        if (login != null) renderLogin();
        if (collaborations != null) renderCollaborations();
        if (stripe != null) renderStripe();
        if (citizen != null) renderCitizen();
        if (viewing != null) noteAccess(viewing);
    }

    private void renderAccount() {
        Account a = account;
        accountFacts.clear()
                .add("User id", Integer.toString(a.id()))
                .add("Venice username", a.username())
                .add("Email", a.email())
                .add("Stripe customer", a.customerId())
                .add("Tier", a.tier())
                .add("Status", a.status(), "cascade_users.subscription_status, mirrored from Stripe.")
                .add("Joined", time.formatUtc(a.createdAt()))
                .add("Last login", time.formatUtc(a.lastLogin()));
        historyList.getChildren().clear();
        if (a.subscriptions().isEmpty()) historyList.getChildren().add(muted("No subscriptions."));
        for (PastSubscription s : a.subscriptions())
            historyList.getChildren().add(entry(join(" · ", s.tier(), s.status(), s.amount() == null ? null : money(s.amount().longValue(), null)),
                    join(" · ", s.stripeSubscriptionId(), "created " + time.formatUtc(s.createdAt()),
                            "period " + time.formatUtc(s.periodStart()) + " → " + time.formatUtc(s.periodEnd()))));
        metadataText.setText(a.metadata() == null ? "No metadata." : "Metadata: " + shorten(a.metadata(), 1500)
                + (a.metadataShortened() ? " (" + Figures.count(a.metadataLength()) + " characters in all)" : ""));
    }

    private void renderLogin() {
        Session s = login.session();
        sessionFacts.clear();
        sessionProblems.getChildren().clear();
        switch (s.shape()) {
            case ABSENT -> sessionFacts.add("Session", "Not logged in (no session key)");
            case JSON -> sessionFacts.add("Session", "Logged in")
                    .add("Key expires in", ttl(s.ttlMillis()), "PTTL of cascade:session:{id} when it was read.")
                    .add("Token expires", time.format(s.expiresAt()), "exp: the JWT's own expiry.")
                    .add("Created", time.format(s.createdAt()))
                    .add("Last seen", time.format(s.lastSeen()))
                    .add("IP address", s.ip())
                    .add("User agent", s.userAgent())
                    .add("Token id", s.maskedJti(), "The JWT id (jti), masked: a token id is a credential.");
            default -> sessionFacts.add("Session", "Present, but unreadable")
                    .add("Key expires in", ttl(s.ttlMillis()))
                    .add("Size", Figures.bytes(s.valueBytes()));
        }
        for (String p : s.problems()) {
            Label l = new Label(p);
            l.setWrapText(true);
            l.getStyleClass().add("warning");
            sessionProblems.getChildren().add(l);
        }
        UserDetails.RateLimit r = login.rateLimit();
        rateLimitFacts.clear().add("Rate-limit counter", !r.present() ? "No requests in the current window"
                        : r.count() != null ? Figures.count(r.count()) : "Not a number: " + r.value(),
                "cascade:ratelimit:{id}: requests counted in the current window.");
        if (r.present()) rateLimitFacts.add("Window resets in", ttl(r.ttlMillis()));
    }

    private void renderCollaborations() {
        collaborationsList.getChildren().clear();
        if (collaborations.isEmpty()) collaborationsList.getChildren().add(muted("None open."));
        for (Collaboration c : collaborations)
            collaborationsList.getChildren().add(entry(
                    (c.owned() ? "Owner" : "Participant" + (c.ownerName() == null ? "" : " (owner " + c.ownerName() + ")"))
                            + " · since " + time.formatUtc(c.createdAt()),
                    join(" · ", "session " + c.sessionId(),
                            c.participants().isEmpty() ? "no participants" : "with " + String.join(", ", c.participants()))));
    }

    private void offerStripe(Viewing v) {
        boolean can = details.stripeConfigured() && v.customerId() != null && !v.customerId().isBlank();
        stripeNote.setText(!details.stripeConfigured() ? "Stripe is not configured in this profile: add its key under File → Connections."
                : can ? "Loads the customer and their latest subscriptions from Stripe."
                : "This user has no Stripe customer id in cascade_users.");
        stripeButton.setVisible(can);
    }

    private void offerVenice() {
        veniceNote.setText(details.veniceConfigured() ? "Loads the citizen's profile: from the cache shared with the backend when fresh (5 min), else from Venice (one request)."
                : "Venice is not configured in this profile: add its URL under File → Connections.");
        veniceButton.setVisible(details.veniceConfigured());
    }

    @FXML
    private void loadStripe() {
        Viewing v = viewing;
        if (v == null) return;
        stripePane.load(work, "Loading from Stripe", c -> {
            v.gate().await(c, true);
            return details.stripe(v.customerId(), c);
        }, shown(v, s -> { stripe = s; renderStripe(); showInvoices(s); }));
    }

    /** The customer's invoices under the Stripe part, once Stripe answered; they load on their own. */
    private void showInvoices(StripeCustomer s) {
        invoicesHolder.getChildren().clear();
        if (invoices == null || s.deleted()) return;
        invoicesHolder.getChildren().add(invoices);
        invoices.show(s.id());
    }

    @FXML
    private void loadVenice() {
        Viewing v = viewing;
        if (v == null) return;
        venicePane.load(work, "Loading from Venice", c -> {
            v.gate().await(c, true);
            return details.venice(v.username(), c);
        }, shown(v, x -> { citizen = x; renderCitizen(); }));
    }

    private void renderStripe() {
        StripeCustomer s = stripe;
        stripeButton.setText("Reload from Stripe");
        stripeFacts.clear();
        stripeSubscriptions.getChildren().clear();
        if (s.deleted()) {
            stripeNote.setText("Stripe says the customer " + s.id() + " was deleted.");
            return;
        }
        stripeNote.setText("As Stripe sees it now.");
        stripeFacts.add("Customer", s.id()).add("Email", s.email()).add("Name", s.name())
                .add("Created", time.format(s.created()))
                .add("Delinquent", s.delinquent() == null ? null : s.delinquent() ? "Yes: an invoice is unpaid" : "No")
                .add("Balance", s.balance() == null ? null : money(s.balance(), s.currency()), "Negative is credit the customer has.");
        if (s.subscriptions().isEmpty()) stripeSubscriptions.getChildren().add(muted("No subscriptions in Stripe."));
        for (StripeSubscription sub : s.subscriptions())
            stripeSubscriptions.getChildren().add(editable(sub.id(), entry(
                    join(" · ", sub.status(), sub.amount() == null ? null : money(sub.amount(), sub.currency())
                            + (sub.interval() == null ? "" : " / " + sub.interval())),
                    join(" · ", sub.id(), "period ends " + time.format(sub.currentPeriodEnd()),
                            sub.cancelAtPeriodEnd() ? "cancels at period end" : null,
                            sub.pauseBehavior() == null ? null : "collection paused (" + sub.pauseBehavior() + ")",
                            sub.priceId(), sub.items() > 1 ? sub.items() + " items" : null))));
        if (s.moreSubscriptions()) stripeSubscriptions.getChildren().add(muted("Stripe has more; the ten latest are shown."));
    }

    private void renderCitizen() {
        Citizen c = citizen;
        veniceButton.setText("Reload from Venice");
        veniceFacts.clear();
        warn(veniceNote, c.degraded());
        // What it is (degraded, not found, another name), how it came (cache and its age, or live and how long), and caching trouble
        veniceNote.setText(String.join("\n", Stream.of(c.notice(), c.delivery() + ".", c.cacheNote())
                .filter(Objects::nonNull).toList()));
        if (!c.found()) return;
        veniceFacts.add("Name", join(" ", c.firstName(), c.lastName()))
                .add("Username", c.username())
                .add("AI citizen", c.ai() == null ? null : c.ai() ? "Yes" : "No")
                .add("Social class", c.socialClass())
                .add("Influence", number(c.influence()))
                .add("Ducats", number(c.ducats()))
                .add("Guild", c.guildId())
                .add("Workplace", c.workplace())
                .add("Home", c.home())
                .add("Last active", time.format(c.lastActiveAt()))
                .add("In Venice since", time.format(c.createdAt()));
    }

    /** The entry with an Edit… button beside it when edits are wired in. */
    private javafx.scene.Node editable(String subscriptionId, VBox entry) {
        return invoices == null ? entry : invoices.withEditButton(entry, subscriptionId, this::loadStripe);
    }

    private static VBox entry(String line, String detailLine) {
        Label first = new Label(line);
        first.getStyleClass().add("fact-value");
        first.setWrapText(true);
        return new VBox(2, first, muted(detailLine));
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("text-muted");
        l.setWrapText(true);
        return l;
    }

    /** The non-empty parts joined, or "—". */
    static String join(String separator, String... parts) {
        List<String> present = new ArrayList<>();
        for (String p : parts) if (p != null && !p.isBlank()) present.add(p);
        return present.isEmpty() ? "—" : String.join(separator, present);
    }

    /** A PTTL: -1 means no expiry, -2 that the key is gone. */
    static String ttl(long millis) {
        if (millis == -1) return "No expiry";
        if (millis < 0) return "Gone";
        return Figures.remaining((millis + 999) / 1000);
    }

    /** Minor units in the currency's own decimals; without a currency (the backend stores none) as minor units. */
    static String money(long minor, String currency) {
        if (currency != null && !currency.isBlank()) {
            try {
                Currency c = Currency.getInstance(currency.toUpperCase(Locale.ROOT));
                int digits = Math.max(c.getDefaultFractionDigits(), 0);
                NumberFormat f = NumberFormat.getNumberInstance();
                f.setMinimumFractionDigits(digits);
                f.setMaximumFractionDigits(digits);
                return f.format(BigDecimal.valueOf(minor, digits)) + " " + c.getCurrencyCode();
            } catch (IllegalArgumentException unknownCurrency) {
                return Figures.count(minor) + " (minor units of " + currency + ")";
            }
        }
        return Figures.count(minor) + " (minor units)";
    }

    private static String number(Double d) {
        if (d == null) return null;
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Figures.count(d.longValue()) : String.format("%,.2f", d);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
