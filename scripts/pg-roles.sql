-- Roles and the local database of Coffer. Run as the postgres superuser:
--   psql -v ON_ERROR_STOP=1 -f scripts/pg-roles.sql
-- Idempotent: creates what is missing and (re)sets attributes and passwords,
-- so a role left in another state by hand is put back.

-- coffer_owner owns the schema, runs migrations and creates the per-test
-- databases; it bypasses row-level security (migrations, backups, operators and
-- the tests' own checks see every tenant). coffer_app is what the application
-- connects as: it owns nothing, so it cannot alter tables or get around
-- row-level security.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coffer_owner') THEN
    CREATE ROLE coffer_owner;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coffer_app') THEN
    CREATE ROLE coffer_app;
  END IF;
END
$$;

ALTER ROLE coffer_owner LOGIN PASSWORD 'coffer_owner'
  CREATEDB NOSUPERUSER NOCREATEROLE BYPASSRLS;
ALTER ROLE coffer_app LOGIN PASSWORD 'coffer_app'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

-- The database for running the server locally. CREATE DATABASE cannot run
-- inside DO, hence \gexec.
SELECT 'CREATE DATABASE coffer OWNER coffer_owner'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'coffer')
\gexec
