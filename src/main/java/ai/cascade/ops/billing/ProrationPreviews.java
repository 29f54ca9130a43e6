package ai.cascade.ops.billing;

import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Stripe's preview invoice as what the agent needs to decide: the adjustment, what is due now, what comes next.
 * With {@code always_invoice} the preview is the invoice made now, so the next one is the tier's regular amount.
 */
final class ProrationPreviews {
    private ProrationPreviews() {}

    static ProrationPreview of(String tier, long regularAmount, long prorationDate, SubscriptionEdit.ProrationBehavior behavior, Invoice invoice) {
        List<ProrationPreview.Line> lines = new ArrayList<>();
        long proration = 0;
        if (invoice.getLines() != null && invoice.getLines().getData() != null) {
            for (InvoiceLineItem l : invoice.getLines().getData()) {
                boolean isProration = proration(l);
                long amount = l.getAmount() == null ? 0 : l.getAmount();
                if (isProration) proration += amount;
                lines.add(new ProrationPreview.Line(l.getDescription() == null ? "" : l.getDescription(), amount, isProration));
            }
        }
        long due = invoice.getAmountDue() == null ? 0 : invoice.getAmountDue();
        boolean now = behavior == SubscriptionEdit.ProrationBehavior.ALWAYS_INVOICE;
        Long nextAt = invoice.getNextPaymentAttempt() != null ? invoice.getNextPaymentAttempt() : invoice.getPeriodEnd();
        return new ProrationPreview(tier, prorationDate, behavior, proration, now ? due : 0, now ? regularAmount : due,
                StripePlans.utc(nextAt), invoice.getCurrency(), lines);
    }

    private static boolean proration(InvoiceLineItem l) {
        var p = l.getParent();
        if (p == null) return false;
        if (p.getSubscriptionItemDetails() != null && Boolean.TRUE.equals(p.getSubscriptionItemDetails().getProration())) return true;
        return p.getInvoiceItemDetails() != null && Boolean.TRUE.equals(p.getInvoiceItemDetails().getProration());
    }
}
