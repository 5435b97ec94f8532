using Npgsql;

namespace Coffer.Chaos.Bugs;

/// <summary>
/// Investment settlements lost behind the module's back: one active investment put back to <c>redeeming</c> (a redemption
/// that never finished) and one paid dividend payout marked <c>pending</c> again (its payment's mark lost, the transfer kept).
/// </summary>
internal sealed class UnsettledInvestment : InjectedBug
{
    public const string BugName = "unsettle-investment";

    public override string Name => BugName;

    public override async Task BeforeChecksAsync(BugContext context)
    {
        await using var connection = new NpgsqlConnection(context.OwnerConnectionString);
        await connection.OpenAsync();
        await using var stuck = new NpgsqlCommand(
            "UPDATE investments SET status = 'redeeming' WHERE id = (SELECT id FROM investments WHERE status = 'active' ORDER BY id LIMIT 1)",
            connection);
        await using var unpaid = new NpgsqlCommand(
            """
            UPDATE dividend_payouts SET status = 'pending', transfer_id = NULL
            WHERE id = (SELECT id FROM dividend_payouts WHERE status = 'paid' ORDER BY id LIMIT 1)
            """,
            connection);
        context.Log($"injected bug {BugName}: {await stuck.ExecuteNonQueryAsync()} active investment put back to redeeming, "
            + $"{await unpaid.ExecuteNonQueryAsync()} paid payout marked pending");
    }
}
