package ai.cascade.ops.ui;

import ai.cascade.ops.config.ConnectionProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeConfirmationTest {
    static final ConnectionProfile PRODUCTION = new ConnectionProfile("prod-eu", true, false, "", "", "", "");
    static final ConnectionProfile STAGING = new ConnectionProfile("staging", false, false, "", "", "", "");

    @Test
    void onProductionOnlyTheExactProfileNameConfirmsAChange() {
        assertThat(ChangeConfirmation.accepts(PRODUCTION, "prod-eu")).isTrue();
        assertThat(ChangeConfirmation.accepts(PRODUCTION, "  prod-eu ")).isTrue();
        assertThat(ChangeConfirmation.accepts(PRODUCTION, "PROD-EU")).isFalse();
        assertThat(ChangeConfirmation.accepts(PRODUCTION, "prod")).isFalse();
        assertThat(ChangeConfirmation.accepts(PRODUCTION, "")).isFalse();
        assertThat(ChangeConfirmation.accepts(PRODUCTION, null)).isFalse();
    }

    @Test
    void elsewhereAConfirmationNeedsNoTypedName() {
        assertThat(ChangeConfirmation.accepts(STAGING, null)).isTrue();
    }
}
