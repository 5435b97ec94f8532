-- GET /api/v1/transfers/{id} as raw SQL: the server's one round trip (TransferQueries.FindAsync for an operator: the
-- transfer joined with both accounts, no owner filter), checked against PostgreSQL's statement log.
-- Part of the mixed scenario (see get-account.sql). Needs -D transfers=N: bench_transfers(n, id) holds the ids of the
-- run's transfers and deposits (bench/run.sh fills it after the Coffer run); a uniformly random one of them.
\set t random(1, :transfers)

\startpipeline
SELECT 1 WHERE set_config('coffer.tenant', 'bench', false) IS NULL;
SELECT t.id, t.tenant_id, t.debit_account_id, t.credit_account_id, t.amount, t.currency, t.code, t.kind, t.pending_id,
       t.reversal_of, t.external_reference, t.description, t.metadata, t.created_at
FROM transfers t
JOIN accounts d ON d.id = t.debit_account_id
JOIN accounts c ON c.id = t.credit_account_id
WHERE t.id = (SELECT id FROM bench_transfers WHERE n = :t) AND t.tenant_id = 'bench';
\endpipeline
