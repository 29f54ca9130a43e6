package ai.cascade.ops.users;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** How the detail pane writes amounts and remaining lifetimes. */
class UserDetailFormatsTest {
    private Locale saved;

    @BeforeEach
    void english() {
        saved = Locale.getDefault();
        Locale.setDefault(Locale.UK);
    }

    @AfterEach
    void restore() {
        Locale.setDefault(saved);
    }

    @Test
    void amountsUseTheirCurrencysDecimalsAndWithoutACurrencyStayInMinorUnits() {
        assertThat(UserDetailPane.money(3000, "eur")).isEqualTo("30.00 EUR");
        assertThat(UserDetailPane.money(-500, "usd")).isEqualTo("-5.00 USD");
        assertThat(UserDetailPane.money(500, "jpy")).isEqualTo("500 JPY");
        assertThat(UserDetailPane.money(3000, null)).isEqualTo("3,000 (minor units)");
        assertThat(UserDetailPane.money(3000, "xx1")).isEqualTo("3,000 (minor units of xx1)");
    }

    @Test
    void aRemainingLifetimeReadsInTwoUnitsAndRedisSpecialValuesInWords() {
        assertThat(UserDetailPane.ttl(252_000)).isEqualTo("4 m 12 s");
        assertThat(UserDetailPane.ttl(1)).isEqualTo("1 s");
        assertThat(UserDetailPane.ttl(3_600_000)).isEqualTo("1 h 0 m");
        assertThat(UserDetailPane.ttl(90_000_000)).isEqualTo("1 d 1 h");
        assertThat(UserDetailPane.ttl(-1)).isEqualTo("No expiry");
        assertThat(UserDetailPane.ttl(-2)).isEqualTo("Gone");
    }
}
