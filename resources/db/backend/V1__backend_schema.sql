-- The backend's schema, exactly as DATA-MODEL.md states it.
-- Applied only to the embedded demo and test databases: CASCADE Ops never alters a real backend's tables.
CREATE TABLE cascade_users (
    id SERIAL PRIMARY KEY,
    venice_username VARCHAR(255) UNIQUE NOT NULL,
    email VARCHAR(255),
    stripe_customer_id VARCHAR(255),
    subscription_tier VARCHAR(50) DEFAULT 'observer',
    subscription_status VARCHAR(50),
    last_login TIMESTAMP,
    created_at TIMESTAMP DEFAULT NOW(),
    metadata JSONB
);
CREATE INDEX idx_venice_username ON cascade_users(venice_username);
CREATE INDEX idx_stripe_customer ON cascade_users(stripe_customer_id);

CREATE TABLE subscriptions (
    id SERIAL PRIMARY KEY,
    user_id INTEGER REFERENCES cascade_users(id),
    stripe_subscription_id VARCHAR(255) UNIQUE,
    tier VARCHAR(50),
    amount INTEGER,
    status VARCHAR(50),
    current_period_start TIMESTAMP,
    current_period_end TIMESTAMP,
    created_at TIMESTAMP DEFAULT NOW()
);

CREATE TABLE consciousness_patterns (
    id SERIAL PRIMARY KEY,
    pattern_type VARCHAR(100),
    venice_source VARCHAR(255),
    pattern_data JSONB,
    cached_at TIMESTAMP DEFAULT NOW(),
    expires_at TIMESTAMP
);

CREATE TABLE collaboration_sessions (
    id SERIAL PRIMARY KEY,
    session_id UUID DEFAULT gen_random_uuid(),
    owner_id INTEGER REFERENCES cascade_users(id),
    participants JSONB,
    consciousness_metrics JSONB,
    created_at TIMESTAMP DEFAULT NOW(),
    ended_at TIMESTAMP
);
