using System.Net;
using Coffer.Commerce.Orders;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Commerce.Tests.Orders;

/// <summary>Wallet orders cancelled before and after payment, and unpaid reservations that expire: stock and money come back exactly.</summary>
public sealed class CancellationTests
{
    /// <summary>An API-only server: no job runs and no sweeper ticks, so an order stays where the test leaves it.</summary>
    private static readonly Dictionary<string, string?> ApiOnly = new() { ["Coffer:Role"] = "api" };

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CancellingAPaidWalletOrder_RestocksAndRefundsExactly(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 4);
        var wallet = await kit.WalletOfAsync("alice");
        var order = (await kit.PaidWalletOrderAsync("alice", (shirt, 3))).GetProperty("id").GetGuid();
        Assert.Equal(CommerceKit.Funds - 4_500, await kit.PostedAsync(wallet));
        Assert.Equal(1, (await kit.StockAsync(shirt)).GetProperty("onHand").GetInt64());

        await (await kit.TransitionAsync(kit.Admin, order, "fulfilled")).ExpectAsync(HttpStatusCode.OK);
        var cancelled = await (await kit.TransitionAsync(kit.Admin, order, "cancelled")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("staff", cancelled.GetProperty("cancelReason").GetString());
        Assert.Equal(4_500, cancelled.GetProperty("refunded").GetInt64());
        Assert.Equal(CommerceKit.Funds, await kit.PostedAsync(wallet));
        Assert.Equal(CommerceKit.Funds, await kit.AvailableAsync(wallet));
        Assert.Equal(0, await kit.MerchantRevenueAsync());
        var stock = await kit.StockAsync(shirt);
        Assert.Equal(4, stock.GetProperty("onHand").GetInt64());
        Assert.Equal(0, stock.GetProperty("reserved").GetInt64());
        var refund = (await kit.OrderAsync(order)).GetProperty("refunds").EnumerateArray().Single();
        Assert.Equal("succeeded", refund.GetProperty("status").GetString());
        Assert.Equal(4_500, refund.GetProperty("amount").GetInt64());

        // Cancelling again, or shipping a cancelled order, is not a move.
        Assert.Equal("invalid_transition", (await (await kit.TransitionAsync(kit.Admin, order, "cancelled")).ExpectAsync(HttpStatusCode.Conflict)).Code());
        Assert.Equal(CommerceKit.Funds, await kit.PostedAsync(wallet));
        foreach (var action in new[] { "order.cancelled", "inventory.restocked", "refund.succeeded" })
        {
            Assert.Equal(1, await DatabaseShell.ScalarAsync<long>(kit.Database, $"SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"));
        }
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CancellingAnUnpaidWalletOrder_VoidsTheHold_AndReleasesTheStock(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, settings: ApiOnly);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 4);
        var wallet = await kit.WalletOfAsync("alice");
        var created = await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (shirt, 2)))).ExpectAsync(HttpStatusCode.Created);
        var order = created.GetProperty("id").GetGuid();
        Assert.Equal("held", created.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(CommerceKit.Funds - 3_000, await kit.AvailableAsync(wallet));
        Assert.Equal(CommerceKit.Funds, await kit.PostedAsync(wallet));
        Assert.Equal(2, (await kit.StockAsync(shirt)).GetProperty("reserved").GetInt64());

        var cancel = new { status = "cancelled" };
        var cancelled = await (await kit.Customer("alice").PostJsonAsync($"/api/v1/commerce/orders/{order}/transitions", cancel, "cancel-1"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("customer", cancelled.GetProperty("cancelReason").GetString());
        // The buyer's retry of the same cancel (its answer lost) replays the 200; a new cancel is a 409, not a 403.
        var replayed = await kit.Customer("alice").PostJsonAsync($"/api/v1/commerce/orders/{order}/transitions", cancel, "cancel-1");
        Assert.Equal(cancelled.GetProperty("version").GetInt64(), (await replayed.ExpectAsync(HttpStatusCode.OK)).GetProperty("version").GetInt64());
        Assert.Equal("invalid_transition", (await (await kit.TransitionAsync(kit.Customer("alice"), order, "cancelled"))
            .ExpectAsync(HttpStatusCode.Conflict)).Code());
        Assert.Equal("voided", cancelled.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(CommerceKit.Funds, await kit.AvailableAsync(wallet));
        Assert.Equal(0, (await kit.StockAsync(shirt)).GetProperty("reserved").GetInt64());
        Assert.Equal(4, (await kit.StockAsync(shirt)).GetProperty("available").GetInt64());
        Assert.Equal("voided", await DatabaseShell.ScalarAsync<string>(kit.Database,
            "SELECT h.status FROM holds h JOIN commerce_orders o ON o.hold_id = h.id"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnExpiredReservation_ReleasesItsStock_AndItsHold(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, settings: ApiOnly);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 2);
        var wallet = await kit.WalletOfAsync("alice");
        var overdue = (await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (shirt, 1)))).ExpectAsync(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var fresh = (await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (shirt, 1)))).ExpectAsync(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        // Sold out while both wait for payment.
        Assert.Equal("out_of_stock", (await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (shirt, 1))))
            .ExpectAsync(HttpStatusCode.Conflict)).Code());

        var sweeper = kit.Server.Services.GetRequiredService<ReservationSweeper>();
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None)); // nothing is due yet
        await DatabaseShell.ExecuteAsync(kit.Database, "UPDATE commerce_orders SET reserved_until = @past WHERE id = @id", true,
            ("past", DateTimeOffset.UtcNow.AddMinutes(-1)), ("id", overdue));
        Assert.Equal(1, await sweeper.SweepOnceAsync(CancellationToken.None));

        var expired = await kit.OrderAsync(overdue);
        Assert.Equal("cancelled", expired.GetProperty("status").GetString());
        Assert.Equal("reservation_expired", expired.GetProperty("cancelReason").GetString());
        Assert.Equal("released", expired.GetProperty("stockStatus").GetString());
        Assert.Equal("pending_payment", (await kit.OrderAsync(fresh)).GetProperty("status").GetString());
        var stock = await kit.StockAsync(shirt);
        Assert.Equal(1, stock.GetProperty("reserved").GetInt64());
        Assert.Equal(1, stock.GetProperty("available").GetInt64());
        Assert.Equal(CommerceKit.Funds - 1_500, await kit.AvailableAsync(wallet)); // only the fresh order's hold remains
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None)); // a second sweep finds nothing
        // The released unit sells again.
        await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (shirt, 1)))).ExpectAsync(HttpStatusCode.Created);
    }
}
