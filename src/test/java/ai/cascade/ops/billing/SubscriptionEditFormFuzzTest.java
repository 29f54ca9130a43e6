package ai.cascade.ops.billing;

import ai.cascade.ops.backend.CancelSignal;
import ai.cascade.ops.billing.SubscriptionEdit.ProrationBehavior;
import ai.cascade.ops.billing.SubscriptionEditModel.Action;
import ai.cascade.ops.billing.SubscriptionEditModel.Ending;
import ai.cascade.ops.billing.SubscriptionEditModel.Result;
import ai.cascade.ops.config.ConnectionProfile;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.config.Tier;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.Fx;
import ai.cascade.ops.testing.TestServers;
import ai.cascade.ops.ui.BackgroundWork;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.testfx.api.FxToolkit;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static ai.cascade.ops.billing.StripeWire.CUSTOMER;
import static ai.cascade.ops.billing.StripeWire.SUBSCRIPTION;
import static ai.cascade.ops.billing.SubscriptionEditorTest.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subscription edit form as a person fills it: any reason and any tier name. The model's verdict (Apply enabled,
 * the reason's problem, Preview enabled) agrees with the documented rules written out here; a reason it accepts is
 * saved through the real editor (Postgres, Stripe's wire) and the audit row holds exactly that reason, trimmed; a
 * reason it refuses sends nothing and writes nothing.
 */
class SubscriptionEditFormFuzzTest {
    private static final ConnectionProfile PROFILE = new ConnectionProfile("fuzz-profile", false, false, "", "", "", "");
    private static final List<Tier> TIERS = Settings.defaultTiers();
    private static final PlanState CITIZEN = new PlanState("citizen", "price_citizen_monthly", 900, "eur", "active", null, null, false, null);
    /** The tiers offered to a citizen: every paid tier but the current one, by its exact name. */
    private static final List<String> OFFERED = TIERS.stream().filter(t -> !t.isFree() && !t.stripePriceId().equals(CITIZEN.priceId()))
            .map(Tier::name).toList();
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static StripeWire wire;
    private static Database db;
    private static DataSource admin;
    private static SubscriptionEditor editor;
    private static BackgroundWork work;

    @BeforeContainer
    static void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        String url = TestServers.freshDatabaseUrl("edit_form_fuzz");
        admin = TestServers.admin(url);
        SubscriptionEditorTest.insertCitizen(admin, CUSTOMER, SUBSCRIPTION);
        db = TestServers.open(url);
        wire = new StripeWire();
        Clock clock = Clock.fixed(Instant.ofEpochSecond(StripeWire.PRORATION_DATE), ZoneOffset.UTC);
        editor = new SubscriptionEditor(wire.connections(db), TIERS, "fuzz-form", clock, p -> { });
        work = new BackgroundWork(2);
    }

    @AfterContainer
    static void stop() {
        work.close();
        wire.close();
        db.close();
    }

    // ---- the independent rules ----

    /** A reason is saved when, trimmed, it is not empty, at most 2,000 characters, and Postgres stores it unchanged (UTF-8). */
    static boolean savable(String typed) {
        String t = typed.strip();
        return !t.isEmpty() && t.length() <= 2000 && !t.contains("\u0000")
                && new String(t.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(t);
    }

    // ---- pure model checks: thousands ----

    @Property(tries = 3000, seed = "20261125")
    void anyReasonGetsTheVerdictTheDocumentedRulesGive(@ForAll("reasons") String reason, @ForAll("plainActions") Action action) {
        SubscriptionEditModel model = openedOnCitizen();
        model.actionProperty().set(action);
        model.reasonProperty().set(reason);

        boolean want = savable(reason);
        Statistics.collect(want ? "savable" : "refused");
        String problem = model.reasonProblemProperty().get();
        assertThat(problem == null).as("problem [%s] for %s", problem, shortened(reason)).isEqualTo(want);
        assertThat(model.canApplyProperty().get()).as("Apply for %s", shortened(reason)).isEqualTo(want);
        assertThat(model.edit()).isNotNull();
        if (!want) {
            assertThat(problem).endsWith(".").hasSizeLessThan(200);
            if (reason.strip().length() > 8) assertThat(problem).as("the reason is not echoed").doesNotContain(reason.strip());
        }
    }

    @Property(tries = 2000, seed = "20261125")
    void aTierCanBePreviewedOnlyByTheExactNameOfOneOffered(@ForAll("tiers") String tier, @ForAll ProrationBehavior behavior,
                                                          @ForAll("reasons") String reason) {
        SubscriptionEditModel model = openedOnCitizen();
        assertThat(model.tierChoices()).containsExactlyElementsOf(OFFERED);
        model.actionProperty().set(Action.CHANGE_TIER);
        model.tierProperty().set(tier);
        model.prorationProperty().set(behavior);
        model.reasonProperty().set(reason);
        Statistics.collect(OFFERED.contains(tier) ? "offered" : "not offered");

        assertThat(model.canPreviewProperty().get()).as("Preview for [%s]", tier).isEqualTo(OFFERED.contains(tier));
        assertThat(model.canApplyProperty().get()).as("no Apply without a preview").isFalse();
        assertThat(model.summaryProperty().get()).isNotNull();
        if (!OFFERED.contains(tier)) {
            model.preview();   // a no-op when Preview is disabled: nothing may reach Stripe
            assertThat(model.busyProperty().get()).isFalse();
            assertThat(model.previewProperty().get()).isNull();
            assertThat(wire.requests()).isEmpty();
        }
    }

    // ---- real saves: a few hundred ----

    @Property(tries = 200, seed = "20261125")
    void anAcceptedReasonIsAuditedExactlyAndARefusedOneSendsNothing(@ForAll("reasons") String reason,
                                                                   @ForAll("savingActions") Action action,
                                                                   @ForAll("offered") String tier) {
        wire.answer("subscription-citizen.json");
        SubscriptionSnapshot seen = editor.open(SUBSCRIPTION, CancelSignal.NONE);
        wire.requests();
        SubscriptionEditModel model = Fx.read(() -> new SubscriptionEditModel(editor, PROFILE, work, SUBSCRIPTION));
        Fx.run(() -> {
            model.opened(seen);
            model.actionProperty().set(action);
            model.tierProperty().set(tier);
            model.reasonProperty().set(reason);
        });
        if (action == Action.CHANGE_TIER) preview(model);
        long audits = count("ops.audit_log");
        long journaled = count("ops.subscription_edit");
        boolean want = savable(reason);
        Statistics.collect(action, want ? "saved" : "refused");
        assertThat(Fx.read(() -> model.canApplyProperty().get())).as("Apply for %s", shortened(reason)).isEqualTo(want);

        if (!want) {
            Fx.run(model::apply);
            assertThat(Fx.read(() -> model.resultProperty().get() == null && !model.busyProperty().get())).isTrue();
            assertThat(wire.requests()).as("nothing sent").isEmpty();
            assertThat(count("ops.audit_log")).isEqualTo(audits);
            assertThat(count("ops.subscription_edit")).isEqualTo(journaled);
            return;
        }
        wire.answer("subscription-citizen.json").answer(answerTo(action));   // the conflict check's read, then the edit
        Fx.run(model::apply);
        Fx.until(BOUND, "the edit's result", () -> model.resultProperty().get() != null);
        Result r = Fx.read(() -> model.resultProperty().get());
        assertThat(r.ending()).as("%s: %s", r.title(), r.message()).isEqualTo(Ending.DONE);
        assertThat(wire.mutations()).hasSize(1);
        assertThat(count("ops.audit_log")).isEqualTo(audits + 1);
        assertThat(count("ops.subscription_edit")).isEqualTo(journaled + 1);
        assertThat(strings(admin, "SELECT reason FROM ops.audit_log ORDER BY id DESC LIMIT 1")).containsExactly(reason.strip());
        assertThat(strings(admin, "SELECT reason FROM ops.subscription_edit ORDER BY id DESC LIMIT 1")).containsExactly(reason.strip());
    }

    private static void preview(SubscriptionEditModel model) {
        wire.answer("invoice-preview-proration.json");
        Fx.run(model::preview);
        Fx.until(BOUND, "the preview", () -> model.previewProperty().get() != null || model.previewProblemProperty().get() != null);
        assertThat(Fx.read(() -> model.previewProblemProperty().get())).isNull();
        wire.requests();
    }

    private static String answerTo(Action action) {
        return switch (action) {
            case CHANGE_TIER -> "subscription-merchant.json";
            case CANCEL_AT_PERIOD_END -> "subscription-cancel-at-period-end.json";
            case CANCEL_NOW -> "subscription-canceled.json";
            case PAUSE_COLLECTION -> "subscription-paused.json";
            default -> throw new IllegalArgumentException(action.name());
        };
    }

    private static SubscriptionEditModel openedOnCitizen() {
        SubscriptionEditModel model = new SubscriptionEditModel(editor, PROFILE, work, SUBSCRIPTION);
        model.opened(new SubscriptionSnapshot(SUBSCRIPTION, 1, 1, "Marco Foscari", CUSTOMER, "v1", CITIZEN, CITIZEN, StripeWire.ITEM));
        return model;
    }

    private static long count(String table) {
        return Long.parseLong(strings(admin, "SELECT count(*) FROM " + table).get(0));
    }

    private static String shortened(String s) {
        return s.length() <= 60 ? "[" + s + "]" : "[" + s.substring(0, 60) + "…] (" + s.length() + " chars)";
    }

    // ---- what a person types or picks ----

    @Provide
    Arbitrary<String> reasons() {
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> nasty = Arbitraries.strings().withChars("aZ 09'\";-\\%_$()\t\r\n\u0000\u202e\u200f\u00a0\u3000\u2028é")
                .ofMaxLength(24);
        Arbitrary<String> words = Arbitraries.of("Customer asked to upgrade", "ticket 4711", "Robert'); DROP TABLE ops.audit_log;--",
                "' OR '1'='1", "$$; SELECT pg_sleep(10); $$", "\\x00", "😀", "שלום עולם", "\u202eevila", "مرحبا", "NULL", "null")
                .list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(" ", l));
        Arbitrary<String> nearTheLimit = Arbitraries.integers().between(1995, 2005).map(n -> "r".repeat(n));
        Arbitrary<String> edges = Arbitraries.of("", " ", "\t\n", "\u3000", "\u00a0", "\u2007", "\u0000", "ok\u0000", "\ud800",
                "a\udc00b", "😀".repeat(1000), "😀".repeat(1001), "x".repeat(10_000), " ".repeat(5_000) + "x",
                "  padded reason  ", "\u0001\u0002\u001f", "\uffff", "\ufeffbom");
        return Arbitraries.frequencyOf(Tuple.of(3, anyUnicode), Tuple.of(3, nasty), Tuple.of(3, words), Tuple.of(1, nearTheLimit),
                Tuple.of(2, edges));
    }

    @Provide
    Arbitrary<String> tiers() {
        Arbitrary<String> known = Arbitraries.of(TIERS).map(Tier::name);
        Arbitrary<String> variants = known.flatMap(n -> Arbitraries.of(n.toUpperCase(), Character.toUpperCase(n.charAt(0)) + n.substring(1),
                " " + n, n + " ", n + "\u0000", n + "\u200b", "\u202e" + n, n.replace('i', 'і')));
        Arbitrary<String> unknown = Arbitraries.of("legacy_gold", "", " ", "price_merchant_monthly", "merchant; DROP TABLE x", "*", "?");
        return Arbitraries.frequencyOf(Tuple.of(3, known), Tuple.of(3, variants), Tuple.of(1, unknown),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
    }

    @Provide
    Arbitrary<String> offered() {
        return Arbitraries.of(OFFERED);
    }

    @Provide
    Arbitrary<Action> plainActions() {
        return Arbitraries.of(Action.CANCEL_AT_PERIOD_END, Action.CANCEL_NOW, Action.PAUSE_COLLECTION);
    }

    @Provide
    Arbitrary<Action> savingActions() {
        return Arbitraries.of(Action.CHANGE_TIER, Action.CANCEL_AT_PERIOD_END, Action.CANCEL_NOW, Action.PAUSE_COLLECTION);
    }
}
