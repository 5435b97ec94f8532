-- One Coffer transfer (POST /api/v1/transfers) as raw SQL: the same statements, in the same two
-- round trips, that the server sends on its PostgreSQL hot path (IdempotencyFilter + TransferPosting
-- + LedgerStore + DbSession):
--   round trip 1: BEGIN; scope the transaction to the tenant (row-level security); lock both accounts in id order
--   round trip 2: insert the transfer; apply both balance deltas; record the audit event (advance one
--                 of the tenant's 64 audit chains and insert the event, one statement); claim the
--                 Idempotency-Key with the stored response; COMMIT
-- What the server does in C# (JSON, JWT, SHA-256 of the body, the balance rules) is not here:
-- this is the floor the database alone sets for the same work.
--
-- Run (bench/run.sh does all of this):
--   pgbench -n -M prepared -c 64 -j 2 -T 30 -D accounts=1000 -D hot=0 -f bench/pgbench/transfer.sql coffer_bench
-- Needs:
--   -M prepared (or extended): \startpipeline needs the extended protocol; Npgsql auto-prepares too.
--   -D accounts=N: how many rows bench_accounts(n int primary key, id uuid) maps, n = 1..N, to the
--   wallets the load generator seeded (tenant 'bench'); bench/run.sh creates that table.
--   -D hot=0 (uniform random pairs) or -D hot=1 (one hot account).
-- Ids come from gen_random_uuid(); the transaction-local setting bench.transfer carries the transfer id
-- from the statement that creates it to the response body, so no extra round trip (\gset) is needed. A colon followed by a letter or digit, even inside a string
-- literal, is a pgbench variable: hence "amount": 1 with a space in the stored response body.

\set a random(1, :accounts)
\set b random(1, :accounts - 1)
\set b CASE WHEN :b >= :a THEN :b + 1 ELSE :b END
-- -D hot=1 (bench/run.sh --hot): wallet 1 is one side of every transfer, debited or credited at random.
\set coin random(0, 1)
\set other random(2, :accounts)
\set a CASE WHEN :hot = 0 THEN :a WHEN :coin = 0 THEN 1 ELSE :other END
\set b CASE WHEN :hot = 0 THEN :b WHEN :coin = 0 THEN :other ELSE 1 END
\set stripe random(0, 63)

\startpipeline
BEGIN;
SELECT 1 WHERE set_config('coffer.tenant', 'bench', true) IS NULL;
SELECT id, tenant_id, owner_id, kind, system_code, currency, allow_negative, posted_debits, posted_credits,
       pending_debits, pending_credits, name, created_at
FROM accounts
WHERE tenant_id = 'bench'
  AND id = ANY (ARRAY[(SELECT id FROM bench_accounts WHERE n = :a), (SELECT id FROM bench_accounts WHERE n = :b)])
ORDER BY id FOR UPDATE;
\endpipeline

\startpipeline
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
WITH head AS (
    INSERT INTO audit_chains (chain_id, tenant_id, length, head_hash, previous_hash, last_content_hash, updated_at)
    VALUES ('bench/' || lpad(CAST(:stripe AS text), 2, '0'), 'bench', 1,
        coffer_chain_hash(repeat('0', 64), encode(sha256(convert_to(current_setting('bench.transfer'), 'UTF8')), 'hex')),
        repeat('0', 64), encode(sha256(convert_to(current_setting('bench.transfer'), 'UTF8')), 'hex'), now())
    ON CONFLICT (chain_id) DO UPDATE SET
        length = audit_chains.length + 1,
        previous_hash = audit_chains.head_hash,
        head_hash = coffer_chain_hash(audit_chains.head_hash, excluded.last_content_hash),
        last_content_hash = excluded.last_content_hash,
        updated_at = excluded.updated_at
    RETURNING chain_id, length, previous_hash, head_hash
)
INSERT INTO audit_events (id, tenant_id, chain_id, sequence, occurred_at, actor, actor_type, action, resource_type,
    resource_id, request_id, ip_address, user_agent, before, after, previous_hash, hash)
SELECT gen_random_uuid(), 'bench', head.chain_id, head.length, now(), 'bench-ops', 'operator', 'transfer.posted',
    'transfer', current_setting('bench.transfer'), md5(current_setting('bench.transfer')), '127.0.0.1', 'Coffer.Bench',
    NULL, '{"id":"' || current_setting('bench.transfer') || '","fromAccountId":"'
        || (SELECT id FROM bench_accounts WHERE n = :a) || '","toAccountId":"'
        || (SELECT id FROM bench_accounts WHERE n = :b) || '","amount": 1,"currency":"USD","code":"transfer",'
        || '"status":"posted","createdAt":' || to_json(now()) || '}',
    head.previous_hash, head.head_hash
FROM head;
INSERT INTO idempotency_records (tenant_id, subject, key, request_hash, response_status, response_content_type,
    response_location, response_body, created_at, expires_at)
VALUES ('bench', 'bench-ops', gen_random_uuid()::text,
    '5f2b8e0c1d7a4e6b9c3f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f', 201, 'application/json; charset=utf-8',
    '/api/v1/transfers/' || current_setting('bench.transfer'),
    '{"id":"' || current_setting('bench.transfer') || '","fromAccountId":"'
        || (SELECT id FROM bench_accounts WHERE n = :a) || '","toAccountId":"'
        || (SELECT id FROM bench_accounts WHERE n = :b) || '","amount": 1,"currency":"USD","code":"transfer",'
        || '"status":"posted","description": null,"metadata": null,"externalReference": null,"holdId": null,'
        || '"reversalOf": null,"createdAt":' || to_json(now()) || '}',
    now(), now() + interval '24 hours');
COMMIT;
\endpipeline
