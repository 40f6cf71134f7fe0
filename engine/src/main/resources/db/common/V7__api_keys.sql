-- API keys made through /v1/keys (io.itinera.engine.gateway.KeyStore); the environment's bootstrap
-- keys are not stored. Only the SHA-256 of a secret is kept (hex), never the secret: it is shown
-- once, when the key is created or rotated. id is KeyIds.of(secret): "k-" and 16 hex digits of
-- the digest. A rotation adds a row with a new secret and sets expires_at on the old one, which
-- keeps working until then; revoked_at stops a key at once.
CREATE TABLE IF NOT EXISTS api_keys (
  id              VARCHAR(20)  NOT NULL PRIMARY KEY,
  name            VARCHAR(200) NOT NULL,
  scope           VARCHAR(10)  NOT NULL,
  digest          VARCHAR(64)  NOT NULL,
  rate_per_second BIGINT,
  rate_burst      BIGINT,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at      TIMESTAMP WITH TIME ZONE,
  revoked_at      TIMESTAMP WITH TIME ZONE,
  replaced_by     VARCHAR(20)
);

CREATE UNIQUE INDEX IF NOT EXISTS api_keys_digest ON api_keys (digest);
