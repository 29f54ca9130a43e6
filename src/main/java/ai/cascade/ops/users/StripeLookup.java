package ai.cascade.ops.users;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.billing.StripeAccess;
import ai.cascade.ops.users.UserDetails.StripeCustomer;
import ai.cascade.ops.users.UserDetails.StripeSubscription;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Price;
import com.stripe.model.StripeCollection;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.param.SubscriptionListParams;

import java.time.Instant;
import java.util.List;

/** A customer and their latest subscriptions as Stripe sees them: two reads, no writes. */
final class StripeLookup {
    static final long SUBSCRIPTIONS_SHOWN = 10;

    private StripeLookup() {}

    static StripeCustomer load(StripeAccess stripe, String customerId) {
        Customer c = customer(stripe, customerId);
        if (Boolean.TRUE.equals(c.getDeleted()))
            return new StripeCustomer(c.getId(), true, null, null, null, null, null, null, List.of(), false);
        StripeCollection<Subscription> subs;
        try {
            subs = stripe.client().v1().subscriptions().list(SubscriptionListParams.builder()
                    .setCustomer(customerId).setStatus(SubscriptionListParams.Status.ALL).setLimit(SUBSCRIPTIONS_SHOWN).build());
        } catch (StripeException e) {
            throw stripe.explain("listing the subscriptions of customer " + customerId, e);
        }
        List<StripeSubscription> shown = subs.getData() == null ? List.of() : subs.getData().stream().map(StripeLookup::subscription).toList();
        return new StripeCustomer(c.getId(), false, c.getEmail(), c.getName(), seconds(c.getCreated()), c.getDelinquent(),
                c.getCurrency(), c.getBalance(), shown, Boolean.TRUE.equals(subs.getHasMore()));
    }

    private static Customer customer(StripeAccess stripe, String customerId) {
        try {
            return stripe.client().v1().customers().retrieve(customerId);
        } catch (InvalidRequestException e) {
            if (e.getStatusCode() != null && e.getStatusCode() == 404)
                throw new BackendException(Backend.STRIPE, "Stripe has no customer \"" + customerId + "\". The backend's "
                        + "stripe_customer_id may be stale, or the profile's key belongs to another account or mode (test/live).", e);
            throw stripe.explain("loading customer " + customerId, e);
        } catch (StripeException e) {
            throw stripe.explain("loading customer " + customerId, e);
        }
    }

    /** The first item carries the tier; since API 2025 the billing period lives on the item, not the subscription. */
    private static StripeSubscription subscription(Subscription s) {
        SubscriptionItem item = s.getItems() == null || s.getItems().getData() == null || s.getItems().getData().isEmpty()
                ? null : s.getItems().getData().get(0);
        Price price = item == null ? null : item.getPrice();
        Long amount = price == null || price.getUnitAmount() == null ? null
                : price.getUnitAmount() * (item.getQuantity() == null ? 1 : item.getQuantity());
        int items = s.getItems() == null || s.getItems().getData() == null ? 0 : s.getItems().getData().size();
        return new StripeSubscription(s.getId(), s.getStatus(), item == null ? null : seconds(item.getCurrentPeriodEnd()),
                Boolean.TRUE.equals(s.getCancelAtPeriodEnd()),
                s.getPauseCollection() == null ? null : s.getPauseCollection().getBehavior(),
                price == null ? null : price.getId(), amount,
                price == null ? s.getCurrency() : price.getCurrency(),
                price == null || price.getRecurring() == null ? null : price.getRecurring().getInterval(), items);
    }

    private static Instant seconds(Long unix) {
        return unix == null ? null : Instant.ofEpochSecond(unix);
    }
}
