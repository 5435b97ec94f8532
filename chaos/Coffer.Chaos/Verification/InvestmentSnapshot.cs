using Npgsql;

namespace Coffer.Chaos.Verification;

internal sealed record InvestmentRow(
    Guid Id, string TenantId, Guid ProductId, Guid AccountId, long Amount, string Status, string? FailureReason, Guid? ExecuteJobId,
    Guid? RedeemJobId, long? ReturnPaid);

internal sealed record DistributionRow(Guid Id, string TenantId, Guid ProductId, long TotalAmount, string Reference, string Status, string? FailureReason);

internal sealed record PayoutRow(Guid DistributionId, Guid InvestmentId, Guid AccountId, long Amount, string Status);

/// <summary>The ledger transfers of one external reference: how many, and their amount together.</summary>
internal sealed record ReferenceTally(int Count, long Amount);

/// <summary>
/// The investment module's state after the run, read as the schema owner: investments, distributions, payouts, the ledger
/// transfers whose references the module derives (<c>investment:{id}:…</c>, <c>dividend:{distribution}:{investment}</c>), and
/// each tenant's product custody balance.
/// </summary>
internal sealed class InvestmentSnapshot
{
    private InvestmentSnapshot() { }

    public required IReadOnlyDictionary<Guid, InvestmentRow> Investments { get; init; }
    public required IReadOnlyDictionary<Guid, DistributionRow> Distributions { get; init; }
    public required IReadOnlyList<PayoutRow> Payouts { get; init; }
    public required IReadOnlyDictionary<string, ReferenceTally> References { get; init; }

    /// <summary>Posted balance (credits − debits) of each custody account, by tenant and product-code.</summary>
    public required IReadOnlyList<(string TenantId, string Code, long Posted)> Custody { get; init; }

    public ReferenceTally Reference(string reference) => References.GetValueOrDefault(reference, new ReferenceTally(0, 0));

    public static async Task<InvestmentSnapshot> ReadAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        return new InvestmentSnapshot
        {
            Investments = (await LedgerSnapshot.QueryAsync(connection,
                "SELECT id, tenant_id, product_id, account_id, amount, status, failure_reason, execute_job_id, redeem_job_id, return_paid FROM investments",
                r => new InvestmentRow(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetGuid(3), r.GetInt64(4), r.GetString(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetGuid(7), r.IsDBNull(8) ? null : r.GetGuid(8),
                    r.IsDBNull(9) ? null : r.GetInt64(9)))).ToDictionary(i => i.Id),
            Distributions = (await LedgerSnapshot.QueryAsync(connection,
                "SELECT id, tenant_id, product_id, total_amount, reference, status, failure_reason FROM dividend_distributions",
                r => new DistributionRow(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetInt64(3), r.GetString(4), r.GetString(5),
                    r.IsDBNull(6) ? null : r.GetString(6)))).ToDictionary(d => d.Id),
            Payouts = await LedgerSnapshot.QueryAsync(connection,
                "SELECT distribution_id, investment_id, account_id, amount, status FROM dividend_payouts",
                r => new PayoutRow(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetInt64(3), r.GetString(4))),
            References = (await LedgerSnapshot.QueryAsync(connection,
                """
                SELECT external_reference, count(*), sum(amount) FROM transfers
                WHERE external_reference LIKE 'investment:%' OR external_reference LIKE 'dividend:%' GROUP BY external_reference
                """,
                r => (Reference: r.GetString(0), Tally: new ReferenceTally(checked((int)r.GetInt64(1)), r.GetInt64(2)))))
                .ToDictionary(t => t.Reference, t => t.Tally, StringComparer.Ordinal),
            Custody = await LedgerSnapshot.QueryAsync(connection,
                "SELECT tenant_id, system_code, posted_credits - posted_debits FROM accounts WHERE system_code LIKE 'custody:%'",
                r => (r.GetString(0), r.GetString(1), r.GetInt64(2))),
        };
    }
}
