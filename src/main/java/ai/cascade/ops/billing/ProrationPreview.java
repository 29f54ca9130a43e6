package ai.cascade.ops.billing;

import java.time.LocalDateTime;
import java.util.List;

/**
 * What a tier change will cost, from Stripe's invoice preview (which changes nothing). Amounts are in the
 * currency's minor units. {@code prorationDate} must travel with the edit: replaying the change with another
 * date would be a different request.
 */
public record ProrationPreview(String tier, long prorationDate, SubscriptionEdit.ProrationBehavior behavior,
                               long prorationAmount, long amountDueNow, long nextInvoiceTotal, LocalDateTime nextInvoiceAt,
                               String currency, List<Line> lines) {
    /** One line of the preview invoice; {@code proration} for the adjustment lines. */
    public record Line(String description, long amount, boolean proration) {}

    /** The edit this preview prices. */
    public SubscriptionEdit.ChangeTier edit() {
        return new SubscriptionEdit.ChangeTier(tier, behavior, prorationDate);
    }
}
