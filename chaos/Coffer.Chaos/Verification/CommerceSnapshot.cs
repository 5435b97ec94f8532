using Npgsql;

namespace Coffer.Chaos.Verification;

internal sealed record OrderRow(
    Guid Id, string TenantId, string BuyerId, string Status, long Total, long Refunded, Guid? WalletId, Guid? HoldId, string StockStatus,
    string? CancelReason, bool Paid)
{
    public bool CancelledAfterPayment => Status == "cancelled" && Paid;
}

internal sealed record OrderLineRow(Guid OrderId, Guid VariantId, int Quantity, long UnitPrice);

internal sealed record StockRow(Guid VariantId, string TenantId, long OnHand, long Reserved);

internal sealed record CommerceRefundRow(Guid OrderId, long Amount, string Status);

/// <summary>
/// The commerce module's state after the run, read as the schema owner: orders with their lines and refunds, every variant's
/// stock, the ledger transfers whose references the orders derive (<c>order:{id}:hold</c>, <c>order:{id}:refund:{refund}</c>),
/// how often each order's hold was resolved, and each tenant's merchant revenue account.
/// </summary>
internal sealed class CommerceSnapshot
{
    private CommerceSnapshot() { }

    public required IReadOnlyDictionary<Guid, OrderRow> Orders { get; init; }
    public required ILookup<Guid, OrderLineRow> Lines { get; init; }
    public required IReadOnlyDictionary<Guid, StockRow> Stock { get; init; }
    public required ILookup<Guid, CommerceRefundRow> Refunds { get; init; }

    /// <summary>Ledger transfers by order: its hold's pending transfers, and its refund transfers.</summary>
    public required IReadOnlyDictionary<Guid, ReferenceTally> HoldTransfers { get; init; }
    public required IReadOnlyDictionary<Guid, ReferenceTally> RefundTransfers { get; init; }

    /// <summary>How many transfers resolve (capture or void) each pending transfer of an order's hold.</summary>
    public required IReadOnlyDictionary<Guid, int> HoldResolutions { get; init; }

    /// <summary>Each tenant's merchant revenue account: posted (credits − debits) and pending credits (holds not yet captured).</summary>
    public required IReadOnlyDictionary<string, (long Posted, long PendingCredits)> MerchantRevenue { get; init; }

    public ReferenceTally HoldTransfersOf(Guid orderId) => HoldTransfers.GetValueOrDefault(orderId, new ReferenceTally(0, 0));

    public ReferenceTally RefundTransfersOf(Guid orderId) => RefundTransfers.GetValueOrDefault(orderId, new ReferenceTally(0, 0));

    public static async Task<CommerceSnapshot> ReadAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        return new CommerceSnapshot
        {
            Orders = (await LedgerSnapshot.QueryAsync(connection,
                """
                SELECT id, tenant_id, buyer_id, status, total_minor, refunded_minor, wallet_id, hold_id, stock_status, cancel_reason,
                       paid_at IS NOT NULL
                FROM commerce_orders
                """,
                r => new OrderRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5),
                    r.IsDBNull(6) ? null : r.GetGuid(6), r.IsDBNull(7) ? null : r.GetGuid(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
                    r.GetBoolean(10)))).ToDictionary(o => o.Id),
            Lines = (await LedgerSnapshot.QueryAsync(connection, "SELECT order_id, variant_id, quantity, unit_price_minor FROM commerce_order_lines",
                r => new OrderLineRow(r.GetGuid(0), r.GetGuid(1), r.GetInt32(2), r.GetInt64(3)))).ToLookup(l => l.OrderId),
            Stock = (await LedgerSnapshot.QueryAsync(connection, "SELECT variant_id, tenant_id, on_hand, reserved FROM commerce_inventory",
                r => new StockRow(r.GetGuid(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)))).ToDictionary(s => s.VariantId),
            Refunds = (await LedgerSnapshot.QueryAsync(connection, "SELECT order_id, amount_minor, status FROM commerce_refunds",
                r => new CommerceRefundRow(r.GetGuid(0), r.GetInt64(1), r.GetString(2)))).ToLookup(f => f.OrderId),
            HoldTransfers = await TalliesAsync(connection, "hold"),
            RefundTransfers = await TalliesAsync(connection, "refund:%"),
            HoldResolutions = (await LedgerSnapshot.QueryAsync(connection,
                """
                SELECT t.pending_id, count(*) FROM transfers t JOIN transfers p ON p.id = t.pending_id
                WHERE p.external_reference LIKE 'order:%:hold' GROUP BY t.pending_id
                """,
                r => (Hold: r.GetGuid(0), Count: checked((int)r.GetInt64(1))))).ToDictionary(h => h.Hold, h => h.Count),
            MerchantRevenue = (await LedgerSnapshot.QueryAsync(connection,
                """
                SELECT tenant_id, sum(posted_credits - posted_debits)::bigint, sum(pending_credits)::bigint FROM accounts
                WHERE system_code = 'merchant_revenue' GROUP BY tenant_id
                """,
                r => (Tenant: r.GetString(0), Posted: r.GetInt64(1), Pending: r.GetInt64(2)))).ToDictionary(m => m.Tenant, m => (m.Posted, m.Pending)),
        };
    }

    /// <summary>Transfers whose reference is <c>order:{id}:{suffix}</c>, by order: how many, and their amount together.</summary>
    private static async Task<IReadOnlyDictionary<Guid, ReferenceTally>> TalliesAsync(NpgsqlConnection connection, string suffix)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT split_part(external_reference, ':', 2)::uuid, count(*), sum(amount)::bigint FROM transfers
            WHERE external_reference LIKE 'order:%:' || @suffix GROUP BY 1
            """, connection);
        command.Parameters.AddWithValue("suffix", suffix);
        await using var reader = await command.ExecuteReaderAsync();
        var tallies = new Dictionary<Guid, ReferenceTally>();
        while (await reader.ReadAsync())
        {
            tallies[reader.GetGuid(0)] = new ReferenceTally(checked((int)reader.GetInt64(1)), reader.GetInt64(2));
        }
        return tallies;
    }
}
