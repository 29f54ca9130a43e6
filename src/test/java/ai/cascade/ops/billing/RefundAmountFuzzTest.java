package ai.cascade.ops.billing;

import ai.cascade.ops.billing.EditOutcome.Result;
import ai.cascade.ops.config.Settings;
import ai.cascade.ops.database.Database;
import ai.cascade.ops.testing.TestServers;
import mockwebserver3.RecordedRequest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;

import static ai.cascade.ops.billing.SubscriptionEditorTest.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The partial refund amount a person types into the refund form: the verdict (refundable, or which problem) is what
 * BigDecimal arithmetic on the same text gives, the message quotes at most a short, visible piece of the text, and a
 * valid amount reaches Stripe's wire as exactly the oracle's minor units.
 */
class RefundAmountFuzzTest {
    private static final String[] CURRENCIES = {"eur", "usd", "jpy", "bhd", "EUR", "krw", "xyz", "", "e u r"};
    private static final Locale[] LOCALES = {Locale.ENGLISH, Locale.GERMANY, Locale.JAPAN, Locale.forLanguageTag("ar-EG"),
            Locale.forLanguageTag("hi-IN"), Locale.ROOT};

    private static StripeWire wire;
    private static Database db;
    private static DataSource admin;
    private static SubscriptionEditor editor;

    @BeforeContainer
    static void start() {
        String url = TestServers.freshDatabaseUrl("refund_fuzz");
        admin = TestServers.admin(url);
        db = TestServers.open(url);
        wire = new StripeWire();
        editor = new SubscriptionEditor(wire.connections(db), Settings.defaultTiers(), "fuzz-refund");
    }

    @AfterContainer
    static void stop() {
        wire.close();
        db.close();
    }

    // ---- the oracle ----

    enum Verdict { NOTHING_LEFT, EMPTY, NOT_AN_AMOUNT, NOT_POSITIVE, TOO_MUCH, REFUNDABLE }

    /** The minor units {@code t} (already trimmed) means: ASCII digits, one optional point, the currency's decimals at most. */
    static BigDecimal minorUnits(String t, int decimals) {
        int point = t.indexOf('.');
        String whole = point < 0 ? t : t.substring(0, point);
        String fraction = point < 0 ? "" : t.substring(point + 1);
        if (whole.isEmpty() || whole.length() > 12 || !asciiDigits(whole)) return null;
        if (point >= 0 && (fraction.isEmpty() || fraction.length() > decimals || !asciiDigits(fraction))) return null;
        return new BigDecimal(whole + (fraction.isEmpty() ? "" : "." + fraction)).scaleByPowerOfTen(decimals);
    }

    private static boolean asciiDigits(String s) {
        return s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    static Verdict verdict(String typed, long refundable, String currency) {
        if (refundable <= 0) return Verdict.NOTHING_LEFT;
        String t = typed.strip();
        if (t.isEmpty()) return Verdict.EMPTY;
        BigDecimal minor = minorUnits(t, Money.fractionDigits(currency));
        if (minor == null) return Verdict.NOT_AN_AMOUNT;
        if (minor.signum() <= 0) return Verdict.NOT_POSITIVE;
        return minor.compareTo(BigDecimal.valueOf(refundable)) > 0 ? Verdict.TOO_MUCH : Verdict.REFUNDABLE;
    }

    static Verdict said(String problem) {
        if (problem == null) return Verdict.REFUNDABLE;
        if (problem.equals("Nothing is left to refund.")) return Verdict.NOTHING_LEFT;
        if (problem.equals("Type the amount to refund.")) return Verdict.EMPTY;
        if (problem.equals("A refund must be more than zero.")) return Verdict.NOT_POSITIVE;
        if (problem.startsWith("That is more than the ") && problem.endsWith(" left to refund.")) return Verdict.TOO_MUCH;
        if (problem.contains(" is not an amount: type it in ")) return Verdict.NOT_AN_AMOUNT;
        throw new AssertionError("an unknown problem: " + problem);
    }

    // ---- thousands of typed amounts ----

    @Property(tries = 3000, seed = "20261125")
    void anyTypedAmountGetsTheVerdictBigDecimalArithmeticGives(@ForAll("typedAmounts") String typed, @ForAll("currencies") String currency,
                                                              @ForAll("refundables") long refundable, @ForAll("locales") Locale locale) {
        String problem = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RefundAmount.problem(typed, refundable, currency, locale));
        Verdict want = verdict(typed, refundable, currency);
        Statistics.collect(want);
        assertThat(said(problem)).as("[%s] %s with %d left: %s", typed, currency, refundable, problem).isEqualTo(want);
        if (want == Verdict.REFUNDABLE) {
            BigDecimal oracle = minorUnits(typed.strip(), Money.fractionDigits(currency));
            assertThat(BigDecimal.valueOf(RefundAmount.parse(typed, currency))).isEqualByComparingTo(oracle);
        }
        if (want == Verdict.NOT_AN_AMOUNT) assertEchoIsShortAndVisible(problem, typed.strip());
    }

    /** The message quotes the text, cut and with its invisible characters spelled out: never a pasted page, never a bidi trick. */
    private static void assertEchoIsShortAndVisible(String problem, String t) {
        String echo = problem.substring(0, problem.lastIndexOf(" is not an amount: type it in "));
        assertThat(echo).as("echo of [%s]", t).startsWith("\"").hasSizeLessThanOrEqualTo(24 * 8 + 40);
        assertThat(echo.codePoints().filter(cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                || Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.LINE_SEPARATOR
                || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR)).as("invisible characters in %s", echo).isEmpty();
        boolean plain = t.codePoints().allMatch(cp -> cp >= 0x20 && cp < 0x7f);
        if (plain && t.length() <= 24) assertThat(echo).isEqualTo("\"" + t + "\"");
        if (t.codePointCount(0, t.length()) > 24) assertThat(echo).endsWith(String.format(Locale.ROOT, "…\" (%,d characters)", t.length()));
    }

    @Property(tries = 1000, seed = "20261125")
    void everyAmountUpToWhatIsLeftWrittenAsPeopleDoIsAccepted(@ForAll("currencies") String currency,
                                                             @ForAll @LongRange(min = 1, max = 999_999_999_999L) long refundable,
                                                             @ForAll @LongRange(min = 1, max = 999_999_999_999L) long wanted,
                                                             @ForAll boolean trailingZeros, @ForAll("locales") Locale locale) {
        long minor = 1 + (wanted - 1) % refundable;
        String written = written(minor, currency, trailingZeros);
        assertThat(RefundAmount.problem(" " + written + "\t", refundable, currency, locale)).as(written).isNull();
        assertThat(RefundAmount.parse(written, currency)).isEqualTo(minor);
        assertThat(said(RefundAmount.problem(written(refundable + 1, currency, trailingZeros), refundable, currency, locale)))
                .isIn(Verdict.TOO_MUCH, Verdict.NOT_AN_AMOUNT);   // one minor unit more: too much, or past twelve digits
    }

    /** {@code minor} in major units as a person writes it: "4.50" or "4.5", "12" for a whole amount, "500" yen. */
    private static String written(long minor, String currency, boolean trailingZeros) {
        BigDecimal major = BigDecimal.valueOf(minor).movePointLeft(Money.fractionDigits(currency));
        BigDecimal shown = trailingZeros ? major : major.stripTrailingZeros();
        return (shown.scale() < 0 ? shown.setScale(0) : shown).toPlainString();
    }

    // ---- valid amounts through the real refund call ----

    @Property(tries = 120, seed = "20261125")
    void aValidAmountReachesStripeAsTheOraclesMinorUnits(@ForAll("paidInvoices") InvoiceSummary invoice,
                                                        @ForAll @DoubleRange(min = 0, max = 1) double share,
                                                        @ForAll boolean trailingZeros) {
        long refundable = invoice.refundable();
        long minor = Math.max(1, Math.min(refundable, (long) Math.ceil(share * refundable)));
        String typed = " " + written(minor, invoice.currency(), trailingZeros) + " ";
        assertThat(RefundAmount.problem(typed, refundable, invoice.currency(), Locale.ENGLISH)).isNull();
        BigDecimal oracle = minorUnits(typed.strip(), Money.fractionDigits(invoice.currency()));
        Statistics.collect(invoice.currency());

        wire.answer("refund-partial.json");
        EditOutcome o = editor.refund(invoice, RefundAmount.parse(typed, invoice.currency()), "requested_by_customer",
                "Goodwill refund of " + typed.strip());

        assertThat(o.result()).as(o.message()).isEqualTo(Result.DONE);
        List<RecordedRequest> sent = wire.mutations();
        assertThat(sent).hasSize(1);
        String form = "payment_intent=" + invoice.paymentIntentId() + "&amount=" + oracle.toBigIntegerExact() + "&reason=requested_by_customer";
        assertThat(StripeWire.body(sent.get(0))).as("%s %s", typed, invoice.currency()).isEqualTo(form);
        assertThat(strings(admin, "SELECT form FROM ops.subscription_edit WHERE id = " + o.journalId())).containsExactly(form);
    }

    // ---- what is typed, and the invoices ----

    @Provide
    Arbitrary<String> typedAmounts() {
        Arbitrary<String> shaped = Arbitraries.strings().withChars("0123456789.,-+ eE_٣\u00a0\u202f'").ofMaxLength(16);
        Arbitrary<String> plausible = Combinators.combine(Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(14),
                Arbitraries.of("", ".", ","), Arbitraries.strings().numeric().ofMaxLength(4)).as((a, p, b) -> a + p + b);
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(30);
        Arbitrary<String> known = Arbitraries.of("4.50", "4.5", "4.505", ".5", "5.", "-1", "+1", "0", "0.00", "00.01", "1e3", "1,50",
                "1,000.00", "1.000,00", "1 000", "NaN", "Infinity", "€4.50", "4.50 EUR", "\u0000", "4.50\u0000", "١٢٣", "１２３",
                "999999999999", "9999999999999", "999999999999.99", "9".repeat(10_000), "0".repeat(5_000) + "1",
                "1" + ".0".repeat(3_000), "\u202e4.50", "4.5\u202e0", "😀", "\ud800", "4\n50", "\t", "0x10", "' OR 1=1 --");
        return Arbitraries.frequencyOf(Tuple.of(3, shaped), Tuple.of(3, plausible), Tuple.of(2, anyUnicode), Tuple.of(1, known));
    }

    @Provide
    Arbitrary<String> currencies() {
        return Arbitraries.of(CURRENCIES);
    }

    @Provide
    Arbitrary<Long> refundables() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(0L, -5L, 1L, 450L, 999_999_999_999L, 100_000_000_000_000L)),
                Tuple.of(4, Arbitraries.longs().between(1, 10_000_000)));
    }

    @Provide
    Arbitrary<Locale> locales() {
        return Arbitraries.of(LOCALES);
    }

    @Provide
    Arbitrary<InvoiceSummary> paidInvoices() {
        Arbitrary<String> currency = Arbitraries.of("eur", "usd", "jpy", "bhd", "krw");
        Arbitrary<Long> paid = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(1L, 2L, 99_999_999L)),
                Tuple.of(4, Arbitraries.longs().between(1, 5_000_000)));
        return Combinators.combine(currency, paid, Arbitraries.doubles().between(0, 0.99), Arbitraries.integers().between(1, 99_999))
                .as((cur, amount, refundedShare, n) -> {
                    long refunded = (long) Math.floor(amount * refundedShare);
                    return new InvoiceSummary("in_Fuzz" + n, "FUZZ-" + n, "paid", amount, amount, 0, refunded, cur,
                            LocalDateTime.of(2026, 1, 1, 0, 0), null, 1, null, null, "pi_Fuzz" + n);
                });
    }
}
