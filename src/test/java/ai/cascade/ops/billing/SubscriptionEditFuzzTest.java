package ai.cascade.ops.billing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The refund amount a person types: any text is either an exact amount in minor units (round-tripping through how
 * people write it, never negative) or refused with a sentence, never another exception or a hang; and every amount in
 * any currency code formats without failing.
 */
class SubscriptionEditFuzzTest {
    private static final String[] CURRENCIES = {"eur", "usd", "jpy", "bhd", "EUR", "xyz", "", "e u r"};

    @Property(tries = 1000, seed = "20261125")
    void anyTypedAmountIsExactOrASentence(@ForAll("typedAmounts") String typed, @ForAll("currencies") String currency) {
        try {
            long minor = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RefundAmount.parse(typed, currency));
            assertThat(minor).as("[%s] %s", typed, currency).isNotNegative();
            // the oracle: BigDecimal reading the same text, with at most the currency's decimals
            BigDecimal read = new BigDecimal(typed.strip());
            int digits = Money.fractionDigits(currency);
            assertThat(read.scale()).isLessThanOrEqualTo(digits);
            assertThat(BigDecimal.valueOf(minor)).isEqualByComparingTo(read.movePointRight(digits));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("message for [%s]", typed).isNotBlank().contains("is not an amount").endsWith(".");
        }
    }

    @Property(tries = 1000, seed = "20261125")
    void everyAmountRoundTripsThroughHowPeopleWriteIt(@ForAll @LongRange(min = 0, max = 999_999_999_999L) long minor,
                                                        @ForAll("currencies") String currency) {
        int digits = Money.fractionDigits(currency);
        String written = BigDecimal.valueOf(minor).movePointLeft(digits).toPlainString();
        long back = RefundAmount.parse(written, currency);
        assertThat(back).as("%s %s", written, currency).isEqualTo(minor);
        assertThat(RefundAmount.parse(" " + written + "\n", currency)).isEqualTo(minor);
    }

    @Property(tries = 1000, seed = "20261125")
    void anyAmountInAnyCurrencyFormats(@ForAll long minor, @ForAll("currencies") String currency,
                                       @ForAll("locales") Locale locale) {
        String shown = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Money.format(minor, currency, locale));
        assertThat(shown).isNotBlank();
        assertThat(Money.describe(minor > Integer.MAX_VALUE || minor < Integer.MIN_VALUE ? null : (int) minor, currency, locale))
                .isNotBlank();
    }

    @Provide
    Arbitrary<String> typedAmounts() {
        Arbitrary<String> shaped = Arbitraries.strings().withChars("0123456789.,-+ eE_٣").ofMaxLength(16);
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(10);
        Arbitrary<String> known = Arbitraries.of("4.50", "4.5", "4.505", ".5", "5.", "-1", "+1", "0", "0.00", "1e3", "1,50", "NaN",
                "Infinity", "€4.50", "4.50 EUR", "\u0000", "١٢٣", "999999999999", "9999999999999", "999999999999.99",
                "9".repeat(10_000), "0".repeat(5_000) + "1", "1" + ".0".repeat(3_000), "\u202e4.50", "😀");
        return Arbitraries.frequencyOf(Tuple.of(4, shaped), Tuple.of(2, anyUnicode), Tuple.of(1, known));
    }

    @Provide
    Arbitrary<String> currencies() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(CURRENCIES)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(4)));
    }

    @Provide
    Arbitrary<Locale> locales() {
        return Arbitraries.of(Locale.ENGLISH, Locale.GERMANY, Locale.JAPAN, Locale.forLanguageTag("ar-EG"), Locale.ROOT,
                Locale.forLanguageTag("he-IL"), Locale.forLanguageTag("hi-IN"));
    }
}
