package ai.cascade.ops.billing;

import ai.cascade.ops.backend.Backend;
import ai.cascade.ops.backend.BackendException;
import ai.cascade.ops.backend.Connections;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceCollection;
import com.stripe.model.InvoicePayment;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.RefundCollection;

import java.util.ArrayList;
import java.util.List;

/** A customer's recent invoices as Stripe has them (reads only; paying and refunding go through {@link SubscriptionEditor}). */
public final class CustomerInvoices {
    public static final int SHOWN = 12;

    private final Connections connections;

    public CustomerInvoices(Connections connections) {
        this.connections = connections;
    }

    /** The customer's latest invoices, newest first, with the failure of the last attempt on open ones. */
    public List<InvoiceSummary> recent(String customerId) {
        StripeCalls calls = calls();
        String path = "/v1/invoices";
        StripeRequest list = new StripeRequest("GET", path, new StripeRequest.Form()
                .add("customer", StripeRequests.id(customerId, "customer")).add("limit", Integer.toString(SHOWN))
                .add("expand[]", "data.payments").text());
        InvoiceCollection answer = calls.readList(list, "listing the invoices of " + customerId, InvoiceCollection.class);
        List<InvoiceSummary> out = new ArrayList<>();
        for (Invoice i : answer.getData()) out.add(summary(i, calls));
        return out;
    }

    /** The invoice with what was already refunded of its payment, for the refund dialog. */
    public InvoiceSummary withRefunds(InvoiceSummary invoice) {
        if (invoice.paymentIntentId() == null) return invoice.withRefunded(0);
        RefundCollection answer = calls().readList(new StripeRequest("GET", "/v1/refunds", new StripeRequest.Form()
                .add("payment_intent", invoice.paymentIntentId()).add("limit", "100").text()), "listing the refunds of " + invoice.id(),
                RefundCollection.class);
        long total = 0;
        for (Refund r : answer.getData())
            if (!"failed".equals(r.getStatus()) && !"canceled".equals(r.getStatus()) && r.getAmount() != null) total += r.getAmount();
        return invoice.withRefunded(total);
    }

    private InvoiceSummary summary(Invoice i, StripeCalls calls) {
        String intent = null;
        if (i.getPayments() != null && i.getPayments().getData() != null)
            for (InvoicePayment p : i.getPayments().getData())
                if (p.getPayment() != null && p.getPayment().getPaymentIntent() != null) intent = p.getPayment().getPaymentIntent();
        String failure = i.getLastFinalizationError() == null ? null : i.getLastFinalizationError().getMessage();
        if (failure == null && "open".equals(i.getStatus()) && i.getAttemptCount() != null && i.getAttemptCount() > 0 && intent != null)
            failure = lastPaymentError(intent, calls);
        String sub = i.getParent() == null || i.getParent().getSubscriptionDetails() == null ? null
                : i.getParent().getSubscriptionDetails().getSubscription();
        return new InvoiceSummary(i.getId(), i.getNumber(), i.getStatus(), nz(i.getAmountDue()), nz(i.getAmountPaid()),
                nz(i.getAmountRemaining()), null, i.getCurrency(), StripePlans.utc(i.getCreated()), StripePlans.utc(i.getDueDate()),
                nz(i.getAttemptCount()), failure, sub, intent);
    }

    /** Why the last charge failed; a failure to read it is shown as such, not thrown. */
    private static String lastPaymentError(String paymentIntentId, StripeCalls calls) {
        try {
            PaymentIntent pi = (PaymentIntent) calls.read(StripeRequest.get("/v1/payment_intents/" + StripeRequests.id(paymentIntentId, "payment")),
                    "reading payment " + paymentIntentId);
            var err = pi.getLastPaymentError();
            if (err == null) return null;
            return err.getMessage() + (err.getDeclineCode() != null ? " (" + err.getDeclineCode() + ")" : err.getCode() != null ? " (" + err.getCode() + ")" : "");
        } catch (BackendException e) {
            return "(could not read the last attempt: " + e.getMessage() + ")";
        }
    }

    private StripeCalls calls() {
        return new StripeCalls(connections.stripe().orElseThrow(() -> new BackendException(Backend.STRIPE,
                "Stripe is not configured in this profile: add its secret key under File → Connections.")));
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
