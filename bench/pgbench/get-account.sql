-- GET /api/v1/accounts/{id} (a balance) as raw SQL: the server's one round trip (DbSession outside a transaction sets
-- the tenant scope with every round trip; AccountQueries.FindAsync), checked against PostgreSQL's statement log.
-- Part of the mixed scenario: pgbench -M prepared -D accounts=N -f get-account.sql@40 -f get-entries.sql@20
--   -f get-transfer.sql@20 -f transfer.sql@20 (bench/run.sh postgres --scenario mixed). A uniformly random wallet of the run.
\set a random(1, :accounts)

\startpipeline
SELECT 1 WHERE set_config('coffer.tenant', 'bench', false) IS NULL;
SELECT id, tenant_id, owner_id, kind, system_code, currency, allow_negative, posted_debits, posted_credits, pending_debits,
       pending_credits, name, created_at
FROM accounts WHERE id = (SELECT id FROM bench_accounts WHERE n = :a) AND tenant_id = 'bench';
\endpipeline
