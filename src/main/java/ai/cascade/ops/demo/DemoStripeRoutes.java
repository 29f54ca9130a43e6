package ai.cascade.ops.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The endpoints the demo Stripe answers (those STRIPE-API.md lists, plus a few reads that go with them). */
final class DemoStripeRoutes {
    interface Endpoint {
        /** Answers the request; throws {@link DemoStripeError} to refuse it before changing anything. */
        StripeAnswer answer(DemoStripeStore store, StripeForm form, String id) throws SQLException;
    }

    record Route(String method, Pattern path, boolean mutates, Endpoint endpoint) {}

    record Match(Route route, String id) {}

    private final List<Route> routes;

    DemoStripeRoutes() {
        DemoSubscriptions subscriptions = new DemoSubscriptions();
        DemoInvoices invoices = new DemoInvoices();
        DemoPayments payments = new DemoPayments();
        routes = List.of(
                read("/v1/subscriptions", (s, f, id) -> subscriptions.list(s, f)),
                read("/v1/subscriptions/([^/]+)", subscriptions::retrieve),
                write("POST", "/v1/subscriptions/([^/]+)", subscriptions::update),
                write("DELETE", "/v1/subscriptions/([^/]+)", subscriptions::cancel),
                // a preview changes nothing: it runs beside other reads, and a repeated key just computes it again
                new Route("POST", Pattern.compile("/v1/invoices/create_preview"), false, (s, f, id) -> invoices.preview(s, f)),
                read("/v1/invoices", (s, f, id) -> invoices.list(s, f)),
                read("/v1/invoices/([^/]+)", invoices::retrieve),
                write("POST", "/v1/invoices/([^/]+)/pay", invoices::pay),
                read("/v1/customers", (s, f, id) -> payments.customers(s, f)),
                read("/v1/customers/([^/]+)", payments::customer),
                read("/v1/payment_intents/([^/]+)", payments::paymentIntent),
                write("POST", "/v1/refunds", (s, f, id) -> payments.refund(s, f)),
                read("/v1/refunds", (s, f, id) -> payments.refunds(s, f)),
                read("/v1/refunds/([^/]+)", payments::retrieveRefund));
    }

    private static Route read(String path, Endpoint e) {
        return new Route("GET", Pattern.compile(path), false, e);
    }

    private static Route write(String method, String path, Endpoint e) {
        return new Route(method, Pattern.compile(path), true, e);
    }

    /** The route for this request and the id in its path; null when Stripe would not recognise the URL. */
    Match match(String method, String rawPath) {
        for (Route r : routes) {
            if (!r.method().equals(method)) continue;
            Matcher m = r.path().matcher(rawPath);
            if (m.matches())
                return new Match(r, m.groupCount() == 0 ? null : URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
        }
        return null;
    }

    static DemoStripeError unrecognized(String method, String path) {
        return new DemoStripeError(404, "invalid_request_error", null, "Unrecognized request URL (" + method + ": " + path + ").", null);
    }
}
