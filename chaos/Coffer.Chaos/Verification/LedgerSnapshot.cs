using Npgsql;

namespace Coffer.Chaos.Verification;

/// <summary>A transfer row (the ledger's append-only log).</summary>
internal sealed record TransferRow(Guid Id, string Code, string Kind, long Amount, Guid DebitAccountId, Guid CreditAccountId, string? Description);

internal sealed record HoldRow(Guid Id, string Status, long Amount, long? CapturedAmount);

internal sealed record WithdrawalRow(Guid Id, Guid AccountId, long Amount, string Status, Guid HoldId, Guid JobId);

internal sealed record IdempotencyRow(string TenantId, string Subject, string Key, int? ResponseStatus, string? ResponseBody);

internal sealed record JobRow(Guid Id, string TenantId, string Type, string Status, int Attempts, string? LastError);

/// <summary>
/// The ledger as the database holds it after the run, read as the schema owner (which bypasses row-level security, so every
/// tenant's rows are seen): the harness compares it with what its clients were told.
/// </summary>
internal sealed class LedgerSnapshot
{
    private LedgerSnapshot() { }

    public required IReadOnlyList<TransferRow> Transfers { get; init; }
    public required IReadOnlyDictionary<Guid, HoldRow> Holds { get; init; }
    public required IReadOnlyDictionary<Guid, WithdrawalRow> Withdrawals { get; init; }
    public required IReadOnlyDictionary<(string TenantId, string Subject, string Key), IdempotencyRow> IdempotencyRecords { get; init; }

    public static async Task<LedgerSnapshot> ReadAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        return new LedgerSnapshot
        {
            Transfers = await QueryAsync(connection,
                "SELECT id, code, kind, amount, debit_account_id, credit_account_id, description FROM transfers",
                r => new TransferRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetGuid(4), r.GetGuid(5),
                    r.IsDBNull(6) ? null : r.GetString(6))),
            Holds = (await QueryAsync(connection, "SELECT id, status, amount, captured_amount FROM holds",
                r => new HoldRow(r.GetGuid(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3)))).ToDictionary(h => h.Id),
            Withdrawals = (await QueryAsync(connection, "SELECT id, account_id, amount, status, hold_id, job_id FROM withdrawals",
                r => new WithdrawalRow(r.GetGuid(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetGuid(4), r.GetGuid(5))))
                .ToDictionary(w => w.Id),
            IdempotencyRecords = (await QueryAsync(connection,
                "SELECT tenant_id, subject, key, response_status, response_body FROM idempotency_records",
                r => new IdempotencyRow(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3),
                    r.IsDBNull(4) ? null : r.GetString(4)))).ToDictionary(i => (i.TenantId, i.Subject, i.Key)),
        };
    }

    public static async Task<IReadOnlyList<JobRow>> ReadJobsAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        return await QueryAsync(connection, "SELECT id, tenant_id, type, status, attempts, last_error FROM jobs",
            r => new JobRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5)));
    }

    public static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
