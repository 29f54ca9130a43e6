package ai.cascade.ops.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/**
 * Amounts as Stripe and the backend store them, in a currency's minor units (cents; yen have none),
 * shown as people read them: €9.00, $99.00, ¥500.
 */
public final class Money {
    private Money() {}

    /** Minor units per major unit's decimal places: 2 for EUR and USD, 0 for JPY; 2 for a code Java does not know. */
    public static int fractionDigits(String currency) {
        Currency c = known(currency);
        return c == null || c.getDefaultFractionDigits() < 0 ? 2 : c.getDefaultFractionDigits();
    }

    /** {@code minor} units of {@code currency} (ISO code, any case), e.g. 900 EUR as "€9.00" in English. */
    public static String format(BigDecimal minor, String currency, Locale locale) {
        int digits = fractionDigits(currency);
        BigDecimal major = minor.movePointLeft(digits).setScale(digits, RoundingMode.HALF_UP);
        Currency c = known(currency);
        if (c == null) {
            NumberFormat n = NumberFormat.getNumberInstance(locale);
            n.setMinimumFractionDigits(digits);
            n.setMaximumFractionDigits(digits);
            return n.format(major) + " " + currency.toUpperCase(Locale.ROOT);
        }
        NumberFormat f = NumberFormat.getCurrencyInstance(locale);
        f.setCurrency(c);
        // setCurrency keeps the locale's own currency's decimals: yen would show ".00"
        f.setMinimumFractionDigits(digits);
        f.setMaximumFractionDigits(digits);
        return f.format(major);
    }

    public static String format(long minor, String currency, Locale locale) {
        return format(BigDecimal.valueOf(minor), currency, locale);
    }

    /** A row's amount: formatted when its currency is known, else the stored minor units, said plainly. */
    public static String describe(Integer minor, String currency, Locale locale) {
        if (minor == null) return "—";
        if (currency == null) return NumberFormat.getIntegerInstance(locale).format(minor) + " minor units";
        return format(minor.longValue(), currency, locale);
    }

    private static Currency known(String code) {
        if (code == null) return null;
        try {
            return Currency.getInstance(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
