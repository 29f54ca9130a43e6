package ai.cascade.ops.billing;

import ai.cascade.ops.config.Tier;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads Stripe's subscriptions as {@link PlanState}s, translating prices to the configured tiers. The first
 * item carries the tier; since API 2025 the billing period lives on the item, not the subscription.
 */
final class StripePlans {
    private final List<Tier> tiers;

    StripePlans(List<Tier> tiers) {
        this.tiers = List.copyOf(tiers);
    }

    PlanState of(Subscription s) {
        SubscriptionItem item = firstItem(s);
        Price price = item == null ? null : item.getPrice();
        String priceId = price == null ? null : price.getId();
        Long amount = price == null || price.getUnitAmount() == null ? null
                : price.getUnitAmount() * (item.getQuantity() == null ? 1 : item.getQuantity());
        String currency = price != null && price.getCurrency() != null ? price.getCurrency() : s.getCurrency();
        return new PlanState(tierOfPrice(priceId).map(Tier::name).orElse(null), priceId,
                amount == null ? null : Math.toIntExact(amount),
                currency == null ? null : currency.toLowerCase(Locale.ROOT), s.getStatus(),
                utc(item == null ? null : item.getCurrentPeriodStart()), utc(item == null ? null : item.getCurrentPeriodEnd()),
                Boolean.TRUE.equals(s.getCancelAtPeriodEnd()),
                s.getPauseCollection() == null ? null : s.getPauseCollection().getBehavior());
    }

    static String itemId(Subscription s) {
        SubscriptionItem item = firstItem(s);
        return item == null ? null : item.getId();
    }

    static LocalDateTime pauseResumesAt(Subscription s) {
        return s.getPauseCollection() == null ? null : utc(s.getPauseCollection().getResumesAt());
    }

    Optional<Tier> tierOfPrice(String priceId) {
        if (priceId == null) return Optional.empty();
        return tiers.stream().filter(t -> priceId.equals(t.stripePriceId())).findFirst();
    }

    Optional<Tier> tier(String name) {
        return tiers.stream().filter(t -> t.name() != null && t.name().equals(name)).findFirst();
    }

    List<Tier> tiers() { return tiers; }

    private static SubscriptionItem firstItem(Subscription s) {
        if (s.getItems() == null || s.getItems().getData() == null || s.getItems().getData().isEmpty()) return null;
        return s.getItems().getData().get(0);
    }

    static LocalDateTime utc(Long unixSeconds) {
        return unixSeconds == null ? null : LocalDateTime.ofInstant(Instant.ofEpochSecond(unixSeconds), ZoneOffset.UTC);
    }
}
