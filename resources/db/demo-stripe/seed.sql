-- Seeds the local Stripe from the demo data, set-based: the default 50,000-user demo (20,000 subscriptions) takes a few seconds.
-- Run in one transaction after seed_tiers(name, price_id, interval, currency, amount, position) is filled,
-- ${now} being the seeding moment in Unix seconds. Every choice hashes ids: seeding twice gives the same objects.

CREATE TEMP TABLE seed_subs ON COMMIT DROP AS
SELECT s.stripe_subscription_id AS id,
       demo_stripe.id('si_', 'si/' || s.stripe_subscription_id) AS item,
       coalesce(nullif(u.stripe_customer_id, ''), demo_stripe.id('cus_', 'cus/' || coalesce(s.user_id, s.id))) AS customer,
       u.email, u.venice_username AS name,
       extract(epoch FROM coalesce(u.created_at, s.created_at))::bigint AS customer_created,
       coalesce(s.status, 'active') AS status,
       s.tier, s.amount,
       extract(epoch FROM coalesce(s.current_period_start, s.created_at))::bigint AS period_start,
       extract(epoch FROM coalesce(s.current_period_end, s.created_at))::bigint AS period_end,
       extract(epoch FROM coalesce(s.created_at, s.current_period_start))::bigint AS created,
       false AS cancel_at_period_end,
       'none'::text AS drift,
       null::text AS price
FROM subscriptions s LEFT JOIN cascade_users u ON u.id = s.user_id
WHERE s.stripe_subscription_id IS NOT NULL AND s.stripe_subscription_id <> '';
-- temporary tables get no statistics on their own: without them the planner loops over 20,000 rows per row
ALTER TABLE seed_subs ADD PRIMARY KEY (id);
ANALYZE seed_subs;

-- Deliberate drift for the drift check (real data is messy): among active monthly subscriptions, hashed
-- order, 1-3 get another status in Stripe, 4-5 another price, 6-7 a pending cancel, and 8 is missing from Stripe.
WITH pick AS (
    SELECT id, row_number() OVER (ORDER BY md5('drift/' || id)) AS r
    FROM seed_subs WHERE status = 'active' AND tier IN (SELECT name FROM seed_tiers WHERE interval = 'month')
)
UPDATE seed_subs s
SET drift = CASE WHEN r <= 3 THEN 'status' WHEN r <= 5 THEN 'price' WHEN r <= 7 THEN 'cancel_at_period_end' ELSE 'missing' END,
    status = CASE r WHEN 1 THEN 'canceled' WHEN 2 THEN 'past_due' WHEN 3 THEN 'canceled' ELSE s.status END,
    cancel_at_period_end = r IN (6, 7),
    tier = CASE WHEN r IN (4, 5) THEN (SELECT t.name FROM seed_tiers t WHERE t.interval = 'month' AND t.name <> s.tier
                                       ORDER BY t.position LIMIT 1) ELSE s.tier END
FROM pick WHERE pick.id = s.id AND pick.r <= 8;
DELETE FROM seed_subs WHERE drift = 'missing';

-- One subscription Stripe has and Postgres does not: a customer without any subscription row.
INSERT INTO seed_subs
SELECT demo_stripe.id('sub_', 'orphan/' || u.stripe_customer_id), demo_stripe.id('si_', 'orphan/' || u.stripe_customer_id),
       u.stripe_customer_id, u.email, u.venice_username, extract(epoch FROM u.created_at)::bigint, 'active',
       (SELECT name FROM seed_tiers WHERE interval = 'month' ORDER BY position LIMIT 1), null,
       ${now} - 10 * 86400, demo_stripe.plus(${now} - 10 * 86400, 'month', 1), ${now} - 10 * 86400, false, 'orphan', null
FROM cascade_users u
WHERE u.stripe_customer_id IS NOT NULL AND u.stripe_customer_id <> ''
  AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id)
  AND EXISTS (SELECT 1 FROM seed_tiers WHERE interval = 'month')
ORDER BY md5(u.stripe_customer_id) LIMIT 1;

-- Prices: every configured paid tier, and an archived one for each tier only old rows still use (legacy).
CREATE TEMP TABLE seed_prices ON COMMIT DROP AS
SELECT price_id AS id, name AS tier, interval, currency, amount::bigint AS amount, true AS active FROM seed_tiers
UNION ALL
SELECT DISTINCT ON (tier) 'price_' || tier, tier, 'month', 'eur', coalesce(amount, 0)::bigint, false
FROM seed_subs WHERE tier IS NOT NULL AND tier NOT IN (SELECT name FROM seed_tiers);

ANALYZE seed_prices;
UPDATE seed_subs s SET price = coalesce((SELECT p.id FROM seed_prices p WHERE p.tier = s.tier),
                                        (SELECT price_id FROM seed_tiers ORDER BY position LIMIT 1));

INSERT INTO demo_stripe.objects (id, object, created, body)
SELECT id, 'price', ${now} - 400 * 86400, demo_stripe.price_json(id, tier, interval, currency, amount, active, ${now} - 400 * 86400)
FROM seed_prices;

-- About one in three customers behind on payment has a card that declines again when payment is retried.
CREATE TEMP TABLE seed_customers ON COMMIT DROP AS
SELECT customer AS id, min(email) AS email, min(name) AS name, min(created) AS created,
       bool_or(status IN ('past_due', 'unpaid')) AS delinquent,
       bool_or(status IN ('past_due', 'unpaid')) AND demo_stripe.h('decline/' || customer) % 3 = 0 AS declines,
       min(currency) AS currency
FROM (SELECT u.stripe_customer_id AS customer, u.email, u.venice_username AS name,
             extract(epoch FROM u.created_at)::bigint AS created, null::text AS status, null::text AS currency
      FROM cascade_users u WHERE u.stripe_customer_id IS NOT NULL AND u.stripe_customer_id <> ''
      UNION ALL
      SELECT s.customer, s.email, s.name, s.customer_created, s.status, p.currency
      FROM seed_subs s JOIN seed_prices p ON p.id = s.price) c
GROUP BY customer;
ANALYZE seed_customers;

INSERT INTO demo_stripe.objects (id, object, customer, created, body, demo_state)
SELECT id, 'customer', id, coalesce(created, ${now}), jsonb_build_object('id', id, 'object', 'customer', 'livemode', false,
         'address', null, 'balance', 0, 'created', coalesce(created, ${now}), 'currency', currency, 'default_source', null,
         'delinquent', delinquent, 'description', null, 'discount', null, 'email', email,
         'invoice_prefix', upper(substr(md5(id), 1, 8)),
         'invoice_settings', jsonb_build_object('custom_fields', null, 'default_payment_method', 'pm_' || substr(md5(id), 1, 24),
                                                'footer', null, 'rendering_options', null),
         'metadata', jsonb_build_object('venice_username', name), 'name', name, 'next_invoice_sequence', 2, 'phone', null,
         'preferred_locales', '[]'::jsonb, 'shipping', null, 'tax_exempt', 'none', 'test_clock', null),
       CASE WHEN declines THEN '{"declines": true}'::jsonb ELSE '{}'::jsonb END
FROM seed_customers;

-- Invoices: the current period paid (active) or open after 1-3 failed attempts (past_due, unpaid);
-- a past_due subscription older than its period also paid the period before.
CREATE TEMP TABLE seed_invoices ON COMMIT DROP AS
SELECT demo_stripe.id('in_', 'paid/' || s.id) AS id, s.id AS sub, 'paid' AS status, 1 AS attempts,
       CASE WHEN s.status = 'active' THEN s.period_start ELSE demo_stripe.plus(s.period_start, p.interval, -1) END AS period_start,
       CASE WHEN s.status = 'active' THEN s.period_end ELSE s.period_start END AS period_end
FROM seed_subs s JOIN seed_prices p ON p.id = s.price
WHERE s.status = 'active' OR (s.status = 'past_due' AND s.created < s.period_start)
UNION ALL
SELECT demo_stripe.id('in_', 'open/' || s.id), s.id, 'open', 1 + (demo_stripe.h('attempts/' || s.id) % 3)::int,
       s.period_start, s.period_end
FROM seed_subs s WHERE s.status IN ('past_due', 'unpaid');
CREATE INDEX ON seed_invoices (sub);
ANALYZE seed_invoices;

INSERT INTO demo_stripe.objects (id, object, customer, subscription, created, body, demo_state)
SELECT i.id, 'invoice', s.customer, s.id, i.period_start,
       demo_stripe.invoice_json(i.id, jsonb_build_object('id', c.id, 'email', c.email, 'name', c.name), s.id, p.body->>'currency',
           jsonb_build_array(demo_stripe.line_json(i.id, s.id, s.item, p.body, (p.body->>'unit_amount')::bigint,
                                                   i.period_start, i.period_end, false,
                                                   '1 × ' || coalesce(s.tier, 'subscription') || ' (at '
                                                   || CASE p.body->>'currency' WHEN 'eur' THEN '€' WHEN 'usd' THEN '$' WHEN 'gbp' THEN '£' ELSE upper(p.body->>'currency') || ' ' END
                                                   || to_char((p.body->>'unit_amount')::bigint / 100.0, 'FM999999990.00')
                                                   || ' / ' || (p.body->'recurring'->>'interval') || ')')),
           (p.body->>'unit_amount')::bigint,
           i.status, i.attempts, i.period_start, i.period_start, i.period_end,
           CASE WHEN i.status = 'open' AND s.status = 'past_due' THEN ${now} + 3 * 86400 END,
           CASE WHEN i.period_start <= s.created THEN 'subscription_create' ELSE 'subscription_cycle' END),
       jsonb_build_object('payment_intent', demo_stripe.id('pi_', 'pi/' || i.id))
FROM seed_invoices i JOIN seed_subs s ON s.id = i.sub
     JOIN demo_stripe.objects p ON p.id = s.price
     JOIN seed_customers c ON c.id = s.customer;

-- Each invoice's payment: succeeded (refundable) for a paid one, declined for an open one.
INSERT INTO demo_stripe.objects (id, object, customer, created, body, demo_state)
SELECT i.demo_state->>'payment_intent', 'payment_intent', i.customer, i.created,
       demo_stripe.payment_intent_json(i.demo_state->>'payment_intent', i.customer, (i.body->>'amount_due')::bigint,
                                       i.body->>'currency', i.body->>'status' = 'paid', i.created, 'Subscription payment'),
       jsonb_build_object('invoice', i.id, 'refunded', 0)
FROM demo_stripe.objects i WHERE i.object = 'invoice';

INSERT INTO demo_stripe.objects (id, object, customer, created, body)
SELECT s.id, 'subscription', s.customer, s.created, jsonb_build_object(
         'id', s.id, 'object', 'subscription', 'livemode', false, 'customer', s.customer, 'status', s.status,
         'created', s.created, 'start_date', s.created, 'billing_cycle_anchor', s.period_start,
         'cancel_at_period_end', s.cancel_at_period_end, 'cancel_at', CASE WHEN s.cancel_at_period_end THEN s.period_end END,
         'canceled_at', CASE WHEN s.status IN ('canceled', 'incomplete_expired') THEN least(s.period_end, ${now} - 3600) END,
         'ended_at', CASE WHEN s.status IN ('canceled', 'incomplete_expired') THEN least(s.period_end, ${now} - 3600) END,
         'cancellation_details', jsonb_build_object('comment', null, 'feedback', null, 'reason',
             CASE WHEN s.status = 'canceled' OR s.cancel_at_period_end THEN 'cancellation_requested' END),
         'collection_method', 'charge_automatically', 'currency', p.body->>'currency', 'days_until_due', null,
         'default_payment_method', null, 'description', null, 'discounts', '[]'::jsonb,
         'items', jsonb_build_object('object', 'list', 'has_more', false, 'total_count', 1,
             'url', '/v1/subscription_items?subscription=' || s.id,
             'data', jsonb_build_array(jsonb_build_object('id', s.item, 'object', 'subscription_item', 'created', s.created,
                 'current_period_start', s.period_start, 'current_period_end', s.period_end, 'discounts', '[]'::jsonb,
                 'metadata', '{}'::jsonb, 'price', p.body, 'quantity', 1, 'subscription', s.id, 'tax_rates', '[]'::jsonb))),
         'latest_invoice', (SELECT i.id FROM seed_invoices i WHERE i.sub = s.id ORDER BY i.period_start DESC, i.status LIMIT 1),
         'metadata', '{}'::jsonb, 'pause_collection', null,
         'trial_start', CASE WHEN s.status = 'trialing' THEN s.period_start END,
         'trial_end', CASE WHEN s.status = 'trialing' THEN s.period_end END)
FROM seed_subs s JOIN demo_stripe.objects p ON p.id = s.price;

