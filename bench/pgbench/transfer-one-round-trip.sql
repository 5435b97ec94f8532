-- EXPERIMENT, not what Coffer does today: transfer.sql with its two pipelines merged into one, i.e.
-- the whole transfer (claim, lock, deltas, insert, response, COMMIT) in a single round trip. It
-- measures what a one-round-trip hot path would buy: row locks are then held for the time the
-- database needs to run the batch, not across a round trip to the server and back. In Coffer the
-- balance rule would move into the database (the ck_accounts_no_overdraft constraint already
-- aborts an overdraft; the transfers' foreign keys already pin tenant and currency).
--   pgbench -n -M prepared -c 64 -j 2 -T 30 -D accounts=1000 -D hot=0 -f bench/pgbench/transfer-one-round-trip.sql coffer_bench

\set a random(1, :accounts)
\set b random(1, :accounts - 1)
\set b CASE WHEN :b >= :a THEN :b + 1 ELSE :b END
-- -D hot=1 (bench/run.sh --hot): wallet 1 is one side of every transfer, debited or credited at random.
\set coin random(0, 1)
\set other random(2, :accounts)
\set a CASE WHEN :hot = 0 THEN :a WHEN :coin = 0 THEN 1 ELSE :other END
\set b CASE WHEN :hot = 0 THEN :b WHEN :coin = 0 THEN :other ELSE 1 END

\startpipeline
BEGIN;
SELECT 1 WHERE set_config('coffer.tenant', 'bench', true) IS NULL;
INSERT INTO idempotency_records (tenant_id, subject, key, request_hash, created_at, expires_at)
VALUES ('bench', 'bench-ops', set_config('bench.key', gen_random_uuid()::text, true),
        '5f2b8e0c1d7a4e6b9c3f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f', now(), now() + interval '24 hours');
SELECT id, tenant_id, owner_id, kind, system_code, currency, allow_negative, posted_debits, posted_credits,
       pending_debits, pending_credits, name, created_at
FROM accounts
WHERE tenant_id = 'bench'
  AND id = ANY (ARRAY[(SELECT id FROM bench_accounts WHERE n = :a), (SELECT id FROM bench_accounts WHERE n = :b)])
ORDER BY id FOR UPDATE;
INSERT INTO transfers (id, tenant_id, debit_account_id, credit_account_id, amount, currency, code, kind,
    pending_id, reversal_of, external_reference, description, metadata, created_at)
VALUES (set_config('bench.transfer', gen_random_uuid()::text, true)::uuid, 'bench',
    (SELECT id FROM bench_accounts WHERE n = :a), (SELECT id FROM bench_accounts WHERE n = :b),
    1, 'USD', 'transfer', 'posted', NULL, NULL, NULL, NULL, NULL, now());
UPDATE accounts SET posted_debits = posted_debits + 1, posted_credits = posted_credits + 0,
    pending_debits = pending_debits + 0, pending_credits = pending_credits + 0
WHERE id = (SELECT id FROM bench_accounts WHERE n = :a);
UPDATE accounts SET posted_debits = posted_debits + 0, posted_credits = posted_credits + 1,
    pending_debits = pending_debits + 0, pending_credits = pending_credits + 0
WHERE id = (SELECT id FROM bench_accounts WHERE n = :b);
UPDATE idempotency_records
SET response_status = 201, response_content_type = 'application/json; charset=utf-8',
    response_location = '/api/v1/transfers/' || current_setting('bench.transfer'),
    response_body = '{"id":"' || current_setting('bench.transfer') || '","fromAccountId":"'
        || (SELECT id FROM bench_accounts WHERE n = :a) || '","toAccountId":"'
        || (SELECT id FROM bench_accounts WHERE n = :b) || '","amount": 1,"currency":"USD","code":"transfer",'
        || '"status":"posted","description": null,"metadata": null,"externalReference": null,"holdId": null,'
        || '"reversalOf": null,"createdAt":' || to_json(now()) || '}'
WHERE tenant_id = 'bench' AND subject = 'bench-ops' AND key = current_setting('bench.key');
COMMIT;
\endpipeline
