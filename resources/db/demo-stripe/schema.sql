-- The demo's local Stripe keeps its state beside the demo data, so a restart (or another JVM on the
-- same database) sees the same objects. Idempotent: run at every start.
CREATE SCHEMA IF NOT EXISTS demo_stripe;

-- Every Stripe object as the API shows it (body), with the columns lists filter and sort on.
-- demo_state holds what Stripe knows but does not show: a customer's card that declines, a payment's refunded total.
CREATE TABLE IF NOT EXISTS demo_stripe.objects (
    id text PRIMARY KEY,
    object text NOT NULL,
    customer text,
    subscription text,
    created bigint NOT NULL,
    body jsonb NOT NULL,
    demo_state jsonb NOT NULL DEFAULT '{}'
);
-- bodies are 1-4 kB: kept inline and uncompressed, so seeding 60,000 of them does not spend its time compressing
ALTER TABLE demo_stripe.objects SET (toast_tuple_target = 8160);
CREATE INDEX IF NOT EXISTS objects_newest ON demo_stripe.objects (object, created DESC, id DESC);
CREATE INDEX IF NOT EXISTS objects_by_customer ON demo_stripe.objects (customer, object, created DESC, id DESC);
CREATE INDEX IF NOT EXISTS objects_by_subscription ON demo_stripe.objects (subscription, object, created DESC, id DESC);

-- The first answer to each idempotency key; forgotten after 24 hours, as Stripe does.
CREATE TABLE IF NOT EXISTS demo_stripe.idempotency (
    key text PRIMARY KEY,
    method text NOT NULL,
    path text NOT NULL,
    form text NOT NULL,
    status int NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Every request: tests count the mutations Stripe really applied (replayed = false, status 200, POST or DELETE).
CREATE TABLE IF NOT EXISTS demo_stripe.requests (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    method text NOT NULL,
    path text NOT NULL,
    idempotency_key text,
    form text,
    status int NOT NULL,
    replayed boolean NOT NULL DEFAULT false
);
-- health probes log a row every few seconds: a week is plenty to look back on
DELETE FROM demo_stripe.requests WHERE at < now() - interval '7 days';

-- A stable 60-bit hash: seeding decides drift and declines from the ids, so every seeding agrees.
CREATE OR REPLACE FUNCTION demo_stripe.h(t text) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT ('x' || substr(md5(t), 1, 15))::bit(60)::bigint $$;

-- A Stripe-looking id made from a seed text: prefix + 24 hex characters.
CREATE OR REPLACE FUNCTION demo_stripe.id(prefix text, seed text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT prefix || substr(md5(seed), 1, 24) $$;

-- Calendar arithmetic in UTC, as Stripe bills (a month is a calendar month).
CREATE OR REPLACE FUNCTION demo_stripe.plus(t bigint, unit text, n int) RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT extract(epoch FROM (to_timestamp(t) AT TIME ZONE 'UTC') + CASE unit
       WHEN 'year' THEN make_interval(years => n) WHEN 'week' THEN make_interval(weeks => n)
       WHEN 'day' THEN make_interval(days => n) ELSE make_interval(months => n) END)::bigint $$;

CREATE OR REPLACE FUNCTION demo_stripe.price_json(p_id text, p_tier text, p_interval text, p_currency text,
                                                  p_amount bigint, p_active boolean, p_created bigint)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('id', p_id, 'object', 'price', 'active', p_active, 'billing_scheme', 'per_unit',
    'created', p_created, 'currency', p_currency, 'custom_unit_amount', null, 'livemode', false, 'lookup_key', p_tier,
    'metadata', '{}'::jsonb, 'nickname', p_tier, 'product', 'prod_' || p_tier,
    'recurring', jsonb_build_object('interval', p_interval, 'interval_count', 1, 'meter', null,
                                    'trial_period_days', null, 'usage_type', 'licensed'),
    'tax_behavior', 'unspecified', 'tiers_mode', null, 'transform_quantity', null, 'type', 'recurring',
    'unit_amount', p_amount, 'unit_amount_decimal', p_amount::text)
$$;

-- One invoice line for a subscription item: a period's charge, or a proration (credit or charge).
CREATE OR REPLACE FUNCTION demo_stripe.line_json(l_invoice text, l_sub text, l_item text, l_price jsonb, l_amount bigint,
                                                 l_start bigint, l_end bigint, l_proration boolean, l_description text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('id', demo_stripe.id('il_', concat_ws('/', l_invoice, l_item, l_amount, l_start, l_end, l_proration)),
    'object', 'line_item', 'amount', l_amount, 'currency', l_price->>'currency', 'description', l_description,
    'discount_amounts', '[]'::jsonb, 'discountable', NOT l_proration, 'discounts', '[]'::jsonb, 'invoice', l_invoice,
    'livemode', false, 'metadata', '{}'::jsonb,
    'parent', jsonb_build_object('type', 'subscription_item_details', 'invoice_item_details', null,
        'subscription_item_details', jsonb_build_object('invoice_item', null, 'proration', l_proration,
            'proration_details', jsonb_build_object('credited_items', null), 'subscription', l_sub, 'subscription_item', l_item)),
    'period', jsonb_build_object('start', l_start, 'end', l_end),
    'pricing', jsonb_build_object('type', 'price_details', 'price_details',
        jsonb_build_object('price', l_price->>'id', 'product', l_price->>'product'), 'unit_amount_decimal', l_price->>'unit_amount_decimal'),
    'quantity', 1, 'subtotal', l_amount, 'taxes', '[]'::jsonb)
$$;

-- An invoice; i_total is the sum of its lines (the caller has it: no per-invoice subquery while seeding),
-- and a negative total is due as zero (Stripe credits the balance).
CREATE OR REPLACE FUNCTION demo_stripe.invoice_json(i_id text, i_customer jsonb, i_sub text, i_currency text, i_lines jsonb, i_total bigint,
                                                    i_status text, i_attempts int, i_created bigint, i_start bigint, i_end bigint,
                                                    i_next_attempt bigint, i_reason text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('id', i_id, 'object', 'invoice', 'livemode', false, 'account_country', 'IT',
    'account_name', 'CASCADE (demo)', 'amount_due', greatest(i_total, 0),
    'amount_paid', CASE WHEN i_status = 'paid' THEN greatest(i_total, 0) ELSE 0 END, 'amount_overpaid', 0,
    'amount_remaining', CASE WHEN i_status IN ('paid', 'void') THEN 0 ELSE greatest(i_total, 0) END, 'amount_shipping', 0,
    'attempt_count', i_attempts, 'attempted', i_attempts > 0, 'auto_advance', i_status IN ('draft', 'open'),
    'billing_reason', i_reason, 'collection_method', 'charge_automatically', 'created', i_created,
    'currency', i_currency, 'customer', i_customer->>'id', 'customer_email', i_customer->>'email',
    'customer_name', i_customer->>'name', 'default_payment_method', null, 'description', null,
    'discounts', '[]'::jsonb, 'due_date', null, 'effective_at', CASE WHEN i_status = 'draft' THEN null ELSE i_created END,
    'ending_balance', CASE WHEN i_status = 'draft' THEN null ELSE 0 END, 'hosted_invoice_url', null, 'invoice_pdf', null,
    'issuer', jsonb_build_object('type', 'self'), 'last_finalization_error', null,
    'lines', jsonb_build_object('object', 'list', 'data', i_lines, 'has_more', false,
                                'total_count', jsonb_array_length(i_lines), 'url', '/v1/invoices/' || i_id || '/lines'),
    'metadata', '{}'::jsonb, 'next_payment_attempt', i_next_attempt,
    'number', CASE WHEN i_status = 'draft' THEN null ELSE upper(substr(md5(i_id), 1, 8)) || '-0001' END,
    'parent', jsonb_build_object('type', 'subscription_details', 'quote_details', null,
        'subscription_details', jsonb_build_object('metadata', '{}'::jsonb, 'subscription', i_sub)),
    'period_start', i_start, 'period_end', i_end, 'post_payment_credit_notes_amount', 0,
    'pre_payment_credit_notes_amount', 0, 'starting_balance', 0, 'status', i_status,
    'status_transitions', jsonb_build_object('finalized_at', CASE WHEN i_status = 'draft' THEN null ELSE i_created END,
        'marked_uncollectible_at', null, 'paid_at', CASE WHEN i_status = 'paid' THEN i_created END, 'voided_at', null),
    'subtotal', i_total, 'subtotal_excluding_tax', i_total, 'total', i_total, 'total_excluding_tax', i_total,
    'total_discount_amounts', '[]'::jsonb, 'total_taxes', '[]'::jsonb, 'webhooks_delivered_at', i_created)
$$;

-- What a declined card leaves on its payment intent (and what a 402 answers with).
CREATE OR REPLACE FUNCTION demo_stripe.decline_json(d_charge text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('type', 'card_error', 'code', 'card_declined', 'decline_code', 'insufficient_funds',
    'message', 'Your card has insufficient funds.', 'charge', d_charge, 'param', null,
    'doc_url', 'https://stripe.com/docs/error-codes/card-declined', 'payment_method_type', 'card')
$$;

CREATE OR REPLACE FUNCTION demo_stripe.payment_intent_json(p_id text, p_customer text, p_amount bigint, p_currency text,
                                                           p_succeeded boolean, p_created bigint, p_description text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('id', p_id, 'object', 'payment_intent', 'livemode', false, 'amount', p_amount,
    'amount_capturable', 0, 'amount_received', CASE WHEN p_succeeded THEN p_amount ELSE 0 END,
    'capture_method', 'automatic', 'confirmation_method', 'automatic', 'created', p_created, 'currency', p_currency,
    'customer', p_customer, 'description', p_description,
    'last_payment_error', CASE WHEN p_succeeded THEN null
                               ELSE demo_stripe.decline_json('ch_' || substr(p_id, 4)) END,
    'latest_charge', 'ch_' || substr(p_id, 4), 'metadata', '{}'::jsonb,
    'payment_method', 'pm_' || substr(md5(p_customer), 1, 24), 'payment_method_types', jsonb_build_array('card'),
    'status', CASE WHEN p_succeeded THEN 'succeeded' ELSE 'requires_payment_method' END, 'canceled_at', null)
$$;

-- Which demo dataset the objects were seeded from (demo.dataset's completed_at; null when there was no marker),
-- written in the seed's own transaction, and when the edit history made against this seeding was finished.
-- Every demo start compares it with the dataset's marker, so a start killed after the data was saved but before
-- the seed or the history was finished is completed by the next start, never shown half-made.
CREATE TABLE IF NOT EXISTS demo_stripe.seeding (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    dataset timestamp,
    seeded_at timestamp NOT NULL,
    history_made_at timestamp
);
