-- A customer id of up to 200 characters is written into its persistence id with each '|' as
-- '%7C' (CustomerPersistenceId), so "Customer|" and up to 600 characters: room for them all.
-- Widening a VARCHAR rewrites nothing in PostgreSQL; identifiers are quoted for H2's tables.
ALTER TABLE "event_journal" ALTER COLUMN "persistence_id" SET DATA TYPE VARCHAR(640);
ALTER TABLE "snapshot" ALTER COLUMN "persistence_id" SET DATA TYPE VARCHAR(640);
