using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Commerce.Tests.Orders;

/// <summary>Checkout paid from a wallet: atomic reservation, the hold and its capture, refusals that leave nothing reserved.</summary>
public sealed class CheckoutTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task WalletCheckout_HoldsThenCaptures_ToMerchantRevenue_AndSellsTheStock(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 10);
        var mug = await kit.VariantAsync("MUG-1", usd: 700, stock: 5);
        var wallet = await kit.WalletOfAsync("alice");

        var created = await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (shirt, 2), (mug, 1))))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("pending_payment", created.GetProperty("status").GetString());
        Assert.Equal(3_700, created.GetProperty("total").GetInt64());
        Assert.Equal("USD", created.GetProperty("currency").GetString());
        Assert.Equal(2, created.GetProperty("lines").GetArrayLength());
        var id = created.GetProperty("id").GetGuid();

        var paid = await kit.WaitForStatusAsync(id, "paid", "paid");
        Assert.Equal("committed", paid.GetProperty("stockStatus").GetString());
        Assert.Equal(CommerceKit.Funds - 3_700, await kit.PostedAsync(wallet));
        Assert.Equal(CommerceKit.Funds - 3_700, await kit.AvailableAsync(wallet));
        Assert.Equal(3_700, await kit.MerchantRevenueAsync());
        var stock = await kit.StockAsync(shirt);
        Assert.Equal(8, stock.GetProperty("onHand").GetInt64());
        Assert.Equal(0, stock.GetProperty("reserved").GetInt64());

        // The buyer sees their order; another customer does not.
        await (await kit.Customer("alice").GetAsync($"/api/v1/commerce/orders/{id}")).ExpectAsync(HttpStatusCode.OK);
        await (await kit.Customer("bob").GetAsync($"/api/v1/commerce/orders/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        var mine = await (await kit.Customer("bob").GetAsync("/api/v1/commerce/orders")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, mine.GetProperty("items").GetArrayLength());

        foreach (var action in new[] { "order.created", "inventory.reserved", "payment.held", "payment.captured", "inventory.committed", "order.paid" })
        {
            Assert.Equal(1, await DatabaseShell.ScalarAsync<long>(kit.Database,
                $"SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND resource_id = '{id}'"));
        }
        // The request's events carry who and where from (the test server has no remote address; its client names itself).
        Assert.Equal(3, await DatabaseShell.ScalarAsync<long>(kit.Database,
            $"SELECT COUNT(*) FROM audit_events WHERE resource_id = '{id}' AND actor = 'alice' AND user_agent = 'CofferShop/1.0'"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Refusals_LeaveNothingReserved_AndNothingHeld(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider);
        var shirt = await kit.VariantAsync("TEE-1", usd: 1_500, stock: 3);
        var mug = await kit.VariantAsync("MUG-1", usd: 700, stock: 1);
        var wallet = await kit.WalletOfAsync("alice");

        // Two items, the second short: the first's reservation is rolled back with it.
        var short_ = await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (shirt, 2), (mug, 2))))
            .ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("out_of_stock", short_.Code());
        Assert.Equal(1, short_.GetProperty("available").GetInt64());
        Assert.Equal(0, (await kit.StockAsync(shirt)).GetProperty("reserved").GetInt64());

        // Not enough money: nothing reserved, nothing held.
        var poor = await kit.WalletOfAsync("bob", funds: 1_000);
        var broke = await (await kit.CheckoutAsync("bob", CommerceKit.WalletOrder(poor, (shirt, 1)))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("insufficient_funds", broke.Code());
        Assert.Equal(0, (await kit.StockAsync(shirt)).GetProperty("reserved").GetInt64());
        Assert.Equal(1_000, await kit.AvailableAsync(poor));

        // Someone else's wallet is not found; an unknown variant neither; validation names the fields.
        await (await kit.CheckoutAsync("bob", CommerceKit.WalletOrder(wallet, (shirt, 1)))).ExpectAsync(HttpStatusCode.NotFound);
        await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(wallet, (Guid.NewGuid(), 1)))).ExpectAsync(HttpStatusCode.NotFound);
        var invalid = await (await kit.CheckoutAsync("alice", new { items = new[] { new { variantId = shirt, quantity = 0 } }, payment = new { method = "cash" } }))
            .ExpectAsync(HttpStatusCode.BadRequest);
        var errors = invalid.GetProperty("errors");
        Assert.True(errors.TryGetProperty("items[0].quantity", out _));
        Assert.True(errors.TryGetProperty("payment.method", out _));

        // Card without a payment provider: 503, nothing reserved.
        var card = await (await kit.CheckoutAsync("alice", CommerceKit.CardOrder((shirt, 1)))).ExpectAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("payments_not_configured", card.Code());
        Assert.Equal(0, (await kit.StockAsync(shirt)).GetProperty("reserved").GetInt64());
        Assert.Equal(0, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM commerce_orders"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ReplayedCheckout_CreatesOneOrder(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider);
        var shirt = await kit.VariantAsync("TEE-1", stock: 5);
        var body = CommerceKit.WalletOrder(await kit.WalletOfAsync("alice"), (shirt, 1));
        var first = await (await kit.CheckoutAsync("alice", body, "checkout-1")).ExpectAsync(HttpStatusCode.Created);
        var again = await (await kit.CheckoutAsync("alice", body, "checkout-1")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(1, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM commerce_orders"));
        Assert.Equal(1, (await kit.StockAsync(shirt)).GetProperty("reserved").GetInt64() + (5 - (await kit.StockAsync(shirt)).GetProperty("onHand").GetInt64()));
    }

    /// <summary>Issue 9's bar: 200 concurrent checkouts of a variant with 50 units.</summary>
    [Theory(Timeout = 180_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TwoHundredConcurrentCheckouts_OfFiftyUnits_SellExactlyFifty_EachPaidOnce(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider);
        var variant = await kit.VariantAsync("LIMITED-1", usd: 1_000, stock: 50);
        var buyers = Enumerable.Range(0, 20).Select(i => $"buyer{i}").ToList();
        foreach (var buyer in buyers)
        {
            await kit.WalletOfAsync(buyer, funds: 100_000);
        }
        var wallets = new Dictionary<string, Guid>();
        foreach (var buyer in buyers)
        {
            wallets[buyer] = await kit.WalletOfAsync(buyer);
        }

        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, 200).Select(async i =>
        {
            var buyer = buyers[i % buyers.Count];
            await start.WaitAsync();
            return await kit.CheckoutAsync(buyer, CommerceKit.WalletOrder(wallets[buyer], (variant, 1)));
        }).ToList();
        start.Release(200);
        var responses = await Task.WhenAll(attempts);

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(50, created.Count);
        Assert.Equal(150, refused.Count);
        foreach (var refusal in refused)
        {
            Assert.Equal("out_of_stock", (await refusal.JsonAsync()).Code());
        }
        foreach (var response in created)
        {
            await kit.WaitForStatusAsync((await response.JsonAsync()).GetProperty("id").GetGuid(), "paid");
        }
        var stock = await kit.StockAsync(variant);
        Assert.Equal(0, stock.GetProperty("onHand").GetInt64());
        Assert.Equal(0, stock.GetProperty("reserved").GetInt64());
        Assert.Equal(0, stock.GetProperty("available").GetInt64());

        // Paid exactly once each: 50 captures of 1,000 in revenue, and the buyers' wallets down by exactly that in all.
        Assert.Equal(50_000, await kit.MerchantRevenueAsync());
        long spent = 0;
        foreach (var wallet in wallets.Values)
        {
            spent += 100_000 - await kit.PostedAsync(wallet);
        }
        Assert.Equal(50_000, spent);
        Assert.Equal(50, await DatabaseShell.ScalarAsync<long>(kit.Database,
            "SELECT COUNT(*) FROM holds WHERE status = 'captured'"));
        Assert.Equal(0, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM holds WHERE status = 'pending'"));
    }
}
