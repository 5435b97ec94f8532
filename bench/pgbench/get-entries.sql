-- GET /api/v1/accounts/{id}/entries?limit=20 (the newest statement page) as raw SQL: the server's two round trips,
-- checked against PostgreSQL's statement log: the account (AccountQueries.FindAsync: it must exist and be visible), then
-- the page (StatementQueries.PageAsync: newest 21 of the debit side and of the credit side, merged; 21 = limit + 1 to
-- know whether there is a next page). Each round trip sets the tenant scope first, as DbSession does outside a transaction.
-- Part of the mixed scenario (see get-account.sql). A uniformly random wallet of the run.
\set a random(1, :accounts)

\startpipeline
SELECT 1 WHERE set_config('coffer.tenant', 'bench', false) IS NULL;
SELECT id, tenant_id, owner_id, kind, system_code, currency, allow_negative, posted_debits, posted_credits, pending_debits,
       pending_credits, name, created_at
FROM accounts WHERE id = (SELECT id FROM bench_accounts WHERE n = :a) AND tenant_id = 'bench';
\endpipeline

\startpipeline
SELECT 1 WHERE set_config('coffer.tenant', 'bench', false) IS NULL;
SELECT id, debit_account_id, amount, currency, code, created_at FROM (
SELECT * FROM (
    SELECT id, debit_account_id, amount, currency, code, created_at FROM transfers
    WHERE debit_account_id = (SELECT id FROM bench_accounts WHERE n = :a) AND kind IN ('posted', 'post_pending')
    ORDER BY id DESC LIMIT 21) AS debit_side
UNION ALL
SELECT * FROM (
    SELECT id, debit_account_id, amount, currency, code, created_at FROM transfers
    WHERE credit_account_id = (SELECT id FROM bench_accounts WHERE n = :a) AND kind IN ('posted', 'post_pending')
    ORDER BY id DESC LIMIT 21) AS credit_side
) AS entries ORDER BY id DESC LIMIT 21;
\endpipeline
