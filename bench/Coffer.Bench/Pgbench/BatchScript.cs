using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffer.Bench.Pgbench;

/// <summary>
/// Writes the pgbench script of one POST /api/v1/transfers/batch of <c>size</c> transfers: the statements the server sends
/// (IdempotencyFilter + TransferPosting + LedgerStore + AuditTrail, checked against PostgreSQL's statement log), one for
/// one, in the same two round trips, with the same parameters:
/// <list type="number">
/// <item>BEGIN; the tenant scope; SELECT the 2 × size accounts <c>WHERE id = ANY($ids) ORDER BY id FOR UPDATE</c>;</item>
/// <item>one INSERT of every transfer over arrays (<c>unnest</c>); one UPDATE of every account's deltas over arrays; the audit
/// event (advance a chain and insert, one statement, its <c>after</c> listing every transfer); the idempotency record with
/// the whole batch response; COMMIT.</item>
/// </list>
/// What the server computes in C# before sending — transfer ids (time-ordered, like its UUIDv7-style ids), the response
/// body and the audit snapshot, the content hash — pgbench cannot, so a read-only preamble computes them in SQL and
/// returns them as variables (<c>\gset</c>) before BEGIN, holding no lock: one round trip per 250 wallets drawn (pgbench
/// takes at most 255 variables per statement), one that computes everything, and one per further 1,500 variables
/// (PostgreSQL returns at most 1,664 columns); 2 round trips for a batch of 100.
/// The accounts are 2 × size distinct wallets (<c>permute</c>) of the client's own share of the wallets (client c of
/// <c>partitions</c>), transfer i from the (2i)th to the (2i+1)th, as the load generator's worker c draws them.
/// </summary>
internal static partial class BatchScript
{
    /// <summary>PostgreSQL returns at most 1,664 columns per row; each query of the preamble stays below.</summary>
    private const int ColumnsPerQuery = 1500;

    /// <summary>The preamble's own columns (arrays, body, snapshot, hash, key, ...) besides the variables.</summary>
    private const int PreambleColumns = 13;

    /// <summary>pgbench allows at most 255 variable references in one statement.</summary>
    private const int ArgumentsPerStatement = 250;

    /// <summary>
    /// The script for <paramref name="size"/> transfers, with the server's set-based writes (LedgerStore on PostgreSQL since
    /// bc184ba). With <paramref name="perRow"/>, the earlier shape for comparison: one INSERT per transfer and one UPDATE
    /// per account, 3 × size + 3 statements in round trip 2 instead of four.
    /// </summary>
    public static string Write(int size, bool perRow = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var slots = 2 * size;
        var script = new StringBuilder();
        script.AppendLine(Header(size));
        script.AppendLine(@"\set seed random(0, 2147483647)");
        script.AppendLine("-- Client c moves money among its own share of the wallets, as load generator worker c does.");
        script.AppendLine(@"\set share :accounts / :partitions");
        script.AppendLine(@"\set base (:client_id % :partitions) * :share");
        for (var k = 0; k < slots; k++)
        {
            script.AppendLine(Inv($@"\set s{k} :base + permute({k}, :share, :seed) + 1"));
        }
        script.AppendLine(@"\set stripe random(0, 63)");
        script.AppendLine();
        AppendPreamble(script, size);
        script.AppendLine();
        AppendRoundTrips(script, size, perRow);
        return script.ToString();
    }

    /// <summary>The read-only queries before BEGIN that leave the ids, deltas, body and snapshot in variables.</summary>
    private static void AppendPreamble(StringBuilder script, int size)
    {
        var slots = 2 * size;
        script.AppendLine("-- Preamble (pgbench only, read-only, no lock): what the server computes in C#, returned as variables.");
        var chunks = (slots + ArgumentsPerStatement - 1) / ArgumentsPerStatement;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var picks = Enumerable.Range(chunk * ArgumentsPerStatement, Math.Min(ArgumentsPerStatement, slots - chunk * ArgumentsPerStatement))
                .Select(k => Inv($":s{k}"));
            script.AppendLine(Inv($"SELECT ARRAY[{string.Join(", ", picks)}]::text AS picks{chunk} \\gset"));
        }
        var columns = VariableColumns(size);
        script.AppendLine(Preamble(chunks, columns.Take(ColumnsPerQuery - PreambleColumns)) + @" \gset");
        for (var start = ColumnsPerQuery - PreambleColumns; start < columns.Count; start += ColumnsPerQuery)
        {
            script.AppendLine("SELECT " + string.Join(", ", columns.Skip(start).Take(ColumnsPerQuery))
                + " FROM (SELECT :tarr::uuid[] AS t, :farr::uuid[] AS f, :carr::uuid[] AS c, :uarr::uuid[] AS u, :darr::int[] AS d) AS arrays \\gset");
        }
        for (var k = 0; k < slots; k++)
        {
            script.AppendLine(Inv($@"\set e{k} 1 - :d{k}"));
        }
    }

    /// <summary>The server's two round trips: lock the accounts; write everything and commit.</summary>
    private static void AppendRoundTrips(StringBuilder script, int size, bool perRow)
    {
        var slots = 2 * size;
        script.AppendLine("-- Round trip 1: BEGIN, the tenant scope, lock the accounts in id order.");
        script.AppendLine(@"\startpipeline");
        script.AppendLine("BEGIN;");
        script.AppendLine("SELECT 1 WHERE set_config('coffer.tenant', 'bench', true) IS NULL;");
        script.AppendLine("SELECT id, tenant_id, owner_id, kind, system_code, currency, allow_negative, posted_debits, posted_credits, "
            + "pending_debits, pending_credits, name, created_at FROM accounts WHERE tenant_id = 'bench' AND id = ANY(:ids) ORDER BY id FOR UPDATE;");
        script.AppendLine(@"\endpipeline");
        script.AppendLine();
        script.AppendLine("-- Round trip 2: the transfers, one balance delta per account, the audit event, the idempotency record, COMMIT.");
        script.AppendLine(@"\startpipeline");
        if (!perRow)
        {
            script.AppendLine(SetBasedWrites);
        }
        for (var i = 0; i < size && perRow; i++)
        {
            script.AppendLine("INSERT INTO transfers (id, tenant_id, debit_account_id, credit_account_id, amount, currency, code, kind, "
                + "pending_id, reversal_of, external_reference, description, metadata, created_at) "
                + Inv($"VALUES (:t{i}, 'bench', :f{i}, :c{i}, 1, 'USD', 'transfer', 'posted', NULL, NULL, NULL, NULL, NULL, now());"));
        }
        for (var k = 0; k < slots && perRow; k++)
        {
            script.AppendLine(Inv($"UPDATE accounts SET posted_debits = posted_debits + :d{k}, posted_credits = posted_credits + :e{k}, ")
                + Inv($"pending_debits = pending_debits + 0, pending_credits = pending_credits + 0 WHERE id = :u{k};"));
        }
        script.AppendLine(AuditStatement);
        script.AppendLine(
            """
            INSERT INTO idempotency_records (tenant_id, subject, key, request_hash, response_status, response_content_type,
                response_location, response_body, created_at, expires_at)
            VALUES ('bench', 'bench-ops', :key, '5f2b8e0c1d7a4e6b9c3f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f', 201,
                'application/json; charset=utf-8', NULL, :body, now(), now() + interval '24 hours');
            """);
        script.AppendLine("COMMIT;");
        script.AppendLine(@"\endpipeline");
    }

    private static string Header(int size) => Inv($"""
        -- GENERATED by `Coffer.Bench pgbench-script --scenario batch --batch-size {size}` (bench/Coffer.Bench/Pgbench/BatchScript.cs);
        -- bench/run.sh writes it into the run's directory. One POST /api/v1/transfers/batch of {size} transfers as raw SQL:
        -- the server's statements, one for one, in its two round trips (see BatchScript.cs and docs/performance.md#batch).
        -- Needs -M prepared, -D accounts=N (bench_accounts(n, id) as bench/run.sh fills it) and -D partitions=P (the client
        -- count: client c draws from wallets c*N/P+1 .. (c+1)*N/P, so N/P >= {2 * size}).
        """);

    /// <summary>
    /// One row: the arrays of transfer ids (t), debited (f) and credited (c) accounts, the accounts in id order (u) with
    /// their debit delta (d), all account ids (ids), the response body, the audit snapshot and its hash, key, chain, ids.
    /// </summary>
    private static string Preamble(int pickChunks, IEnumerable<string> variableColumns)
    {
        var picks = string.Join(" || ", Enumerable.Range(0, pickChunks).Select(chunk => Inv($":picks{chunk}::int[]")));
        var now = "to_json(now())::text";
        var item = SafeLiteral("{\"id\":\"") + " || t || " + SafeLiteral("\",\"fromAccountId\":\"") + " || f || "
            + SafeLiteral("\",\"toAccountId\":\"") + " || c || " + SafeLiteral("\",\"amount\":1,\"currency\":\"USD\",\"code\":\"transfer\",\"status\":\"posted\"");
        var responseTail = SafeLiteral(",\"description\":null,\"metadata\":null,\"externalReference\":null,\"holdId\":null,\"reversalOf\":null,\"createdAt\":");
        var auditTail = SafeLiteral(",\"createdAt\":");
        return $$"""
            WITH slot AS (
                SELECT s.k - 1 AS k, a.id FROM unnest({{picks}}) WITH ORDINALITY AS s(n, k) JOIN bench_accounts a ON a.n = s.n
            ), pair AS (
                SELECT f.k / 2 AS i, f.id AS f, c.id AS c,
                    (substr(h.hex, 1, 8) || '-' || substr(h.hex, 9, 4) || substr(gen_random_uuid()::text, 14))::uuid AS t
                FROM slot f JOIN slot c ON c.k = f.k + 1
                CROSS JOIN (SELECT lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') AS hex) h
                WHERE f.k % 2 = 0
            ), batch AS (
                SELECT array_agg(t ORDER BY i) AS t, array_agg(f ORDER BY i) AS f, array_agg(c ORDER BY i) AS c,
                    (SELECT array_agg(id ORDER BY id) FROM slot) AS u, (SELECT array_agg(1 - k % 2 ORDER BY id) FROM slot) AS d,
                    {{SafeLiteral("{\"transfers\":[")}} || string_agg({{item}} || {{responseTail}} || {{now}} || '}', ',' ORDER BY i) || ']}' AS body,
                    {{SafeLiteral("{\"count\":")}} || count(*) || {{SafeLiteral(",\"transfers\":[")}} || string_agg({{item}} || {{auditTail}} || {{now}} || '}', ',' ORDER BY i) || ']}' AS after
                FROM pair
            )
            SELECT t::text AS tarr, f::text AS farr, c::text AS carr, u::text AS uarr, d::text AS darr, u::text AS ids,
                body, after, encode(sha256(convert_to(after, 'UTF8')), 'hex') AS content,
                gen_random_uuid()::text AS key, md5(random()::text) AS request, gen_random_uuid() AS audit_id,
                'bench/' || lpad(CAST(:stripe AS text), 2, '0') AS chain,
                {{string.Join(", ", variableColumns)}}
            FROM batch
            """;
    }

    /// <summary>t0.., f0.., c0.. per transfer and u0.., d0.. per account, read from the arrays t, f, c, u, d.</summary>
    private static List<string> VariableColumns(int size) =>
        Enumerable.Range(0, size)
            .SelectMany(i => new[] { Inv($"t[{i + 1}] AS t{i}"), Inv($"f[{i + 1}] AS f{i}"), Inv($"c[{i + 1}] AS c{i}") })
            .Concat(Enumerable.Range(0, 2 * size).SelectMany(k => new[] { Inv($"u[{k + 1}] AS u{k}"), Inv($"d[{k + 1}] AS d{k}") }))
            .ToList();

    private const string SetBasedWrites =
        """
        INSERT INTO transfers (id, tenant_id, debit_account_id, credit_account_id, amount, currency, code, kind,
            pending_id, reversal_of, external_reference, description, metadata, created_at)
        SELECT x.t, 'bench', x.f, x.c, 1, 'USD', 'transfer', 'posted', NULL::uuid, NULL::uuid, NULL, NULL, NULL, now()
        FROM unnest(:tarr::uuid[], :farr::uuid[], :carr::uuid[]) AS x(t, f, c);
        UPDATE accounts a SET posted_debits = a.posted_debits + d.pd, posted_credits = a.posted_credits + d.pc,
            pending_debits = a.pending_debits + 0, pending_credits = a.pending_credits + 0
        FROM (SELECT id, d::bigint AS pd, (1 - d)::bigint AS pc FROM unnest(:uarr::uuid[], :darr::int[]) AS x(id, d)) AS d
        WHERE a.id = d.id;
        """;

    private const string AuditStatement =
        """
        WITH head AS (
            INSERT INTO audit_chains (chain_id, tenant_id, length, head_hash, previous_hash, last_content_hash, updated_at)
            VALUES (:chain, 'bench', 1, coffer_chain_hash(repeat('0', 64), :content), repeat('0', 64), :content, now())
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
        SELECT :audit_id, 'bench', head.chain_id, head.length, now(), 'bench-ops', 'operator', 'transfer.batch_posted',
            'transfer_batch', :t0, :request, '127.0.0.1', 'Coffer.Bench', NULL, :after, head.previous_hash, head.head_hash
        FROM head;
        """;

    /// <summary>
    /// A SQL string literal of <paramref name="text"/>, cut after every colon that a letter, digit or underscore follows:
    /// pgbench reads ":name" as a variable even inside a literal, and the JSON must keep its exact bytes.
    /// </summary>
    private static string SafeLiteral(string text) =>
        "'" + ColonBeforeName().Replace(text.Replace("'", "''"), ":' || '") + "'";

    [GeneratedRegex(":(?=[A-Za-z0-9_])")]
    private static partial Regex ColonBeforeName();

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
