using Npgsql;

namespace Coffer.Chaos.Bugs;

/// <summary>
/// A cancellation that forgot its money: one paid order marked cancelled by its buyer and its stock restocked — without the
/// units going back on the shelf and without the refund to the wallet.
/// </summary>
internal sealed class CancelWithoutRefund : InjectedBug
{
    public const string BugName = "cancel-without-refund";

    public override string Name => BugName;

    public override async Task BeforeChecksAsync(BugContext context)
    {
        await using var connection = new NpgsqlConnection(context.OwnerConnectionString);
        await connection.OpenAsync();
        await using var cancelled = new NpgsqlCommand(
            """
            UPDATE commerce_orders SET status = 'cancelled', cancel_reason = 'customer', stock_status = 'restocked', version = version + 1
            WHERE id = (SELECT id FROM commerce_orders WHERE status = 'paid' ORDER BY id LIMIT 1)
            """,
            connection);
        context.Log($"injected bug {BugName}: {await cancelled.ExecuteNonQueryAsync()} paid order marked cancelled without restock or refund");
    }
}
