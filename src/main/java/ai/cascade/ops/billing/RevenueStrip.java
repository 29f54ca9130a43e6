package ai.cascade.ops.billing;

import ai.cascade.ops.ui.Figures;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The summary strip of the subscriptions page: a card per tier (its active subscriptions and monthly
 * recurring revenue), a total per currency, and a line for each tier that could not be counted.
 */
final class RevenueStrip {
    private static final String MRR_HINT = "Monthly recurring revenue: the amounts of active, trialing and past-due subscriptions, "
            + "each normalised to a month with its tier's configured interval (a year is a twelfth). Computed in Postgres.";

    private RevenueStrip() {}

    /** Fills {@code cards} and {@code notCounted} with {@code r}, amounts formatted for {@code locale}. */
    static void show(RevenueSummary.Revenue r, FlowPane cards, VBox notCounted, Locale locale) {
        cards.getChildren().clear();
        for (RevenueSummary.TierRevenue t : r.tiers())
            cards.getChildren().add(card(t.tier() + " · " + t.currency(), t.mrr(), t.currency(), perInterval(t.interval()),
                    t.active(), t.trialing(), t.pastDue(), locale, false));
        for (RevenueSummary.CurrencyTotal t : r.totals())
            cards.getChildren().add(card("All tiers · " + t.currency(), t.mrr(), t.currency(), "total",
                    t.active(), t.trialing(), t.pastDue(), locale, true));
        if (cards.getChildren().isEmpty()) cards.getChildren().add(muted("No active, trialing or past-due subscriptions."));
        notCounted.getChildren().setAll(r.notCounted().stream().map(RevenueStrip::notCountedLine).toList());
        notCounted.setVisible(!r.notCounted().isEmpty());
        notCounted.setManaged(!r.notCounted().isEmpty());
    }

    private static Node card(String title, BigDecimal mrr, String currency, String basis, long active, long trialing, long pastDue,
                             Locale locale, boolean total) {
        Label name = new Label(title);
        name.getStyleClass().add("card-title");
        Label amount = new Label(Money.format(mrr, currency, locale));
        amount.getStyleClass().addAll("title-3", "revenue-mrr");
        Tooltip.install(amount, new Tooltip(MRR_HINT));
        Label mrrLabel = muted("MRR · " + basis);
        Label counts = new Label(Figures.count(active) + " active · " + Figures.count(trialing) + " trialing · "
                + Figures.count(pastDue) + " past due");
        counts.getStyleClass().add("revenue-counts");
        VBox card = new VBox(2, name, amount, mrrLabel, counts);
        card.getStyleClass().addAll("card", "revenue-card");
        if (total) card.getStyleClass().add("revenue-total");
        return card;
    }

    private static Label notCountedLine(RevenueSummary.NotCounted n) {
        Label l = new Label(n.tier() + ": " + Figures.count(n.subscriptions()) + (n.subscriptions() == 1 ? " subscription — " : " subscriptions — ")
                + n.reason());
        l.getStyleClass().add("not-counted");
        return l;
    }

    private static String perInterval(String interval) {
        return switch (interval) {
            case "month" -> "billed monthly";
            case "year" -> "billed yearly, ÷ 12";
            case "week" -> "billed weekly, × 52 ÷ 12";
            case "day" -> "billed daily, × 365 ÷ 12";
            default -> interval;
        };
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("text-muted");
        return l;
    }
}
