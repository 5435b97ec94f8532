using System.Net;
using System.Text.Json;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Commerce.Tests.Orders;

/// <summary>
/// The work around an order that runs after it: stock alerts, order mail, the receipt and the shipment — through providers with
/// breakers, retried, and never able to fail the order.
/// </summary>
[Collection(Catalog.CatalogMetricsCollection.Name)]
public sealed class BackgroundWorkTests
{
    private static readonly Dictionary<string, string?> Mail = new()
    {
        ["Coffer:Commerce:StockAlertEmail"] = "stock@example.com",
        ["Coffer:Providers:Email:MaxRetries"] = "0",
        ["Coffer:Providers:Email:BreakSeconds"] = "1",
        ["Coffer:Jobs:Types:send-stock-alert:MaxAttempts"] = "15",
        ["Coffer:Jobs:Types:send-order-email:MaxAttempts"] = "15",
    };

    private static object WalletOrderWithEmail(Guid wallet, Guid variant, int quantity) => new
    {
        items = new[] { new { variantId = variant, quantity } },
        payment = new { method = "wallet", accountId = wallet },
        email = "alice@example.com",
    };

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EmailProviderDown_OrdersStillSucceed_TheBreakerOpens_AndAlertsAreSentLater(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, providers: true, settings: Mail);
        var variant = await kit.VariantAsync("TEE-1", usd: 1_000, stock: 3, threshold: 1);
        await kit.Fake!.SetBehaviourAsync(new FakeBehaviour(FakeBehaviour.FailMode, Endpoint: FakeEndpoints.Emails));

        // Two of three sold: available 1 reaches the threshold. The order is paid whatever the mail does.
        var created = await (await kit.CheckoutAsync("alice", WalletOrderWithEmail(await kit.WalletOfAsync("alice"), variant, 2)))
            .ExpectAsync(HttpStatusCode.Created);
        var order = created.GetProperty("id").GetGuid();
        await kit.WaitForStatusAsync(order, "paid");
        var alert = (await Alerts(kit)).Single();
        Assert.Equal("TEE-1", alert.GetProperty("sku").GetString());
        Assert.Equal(1, alert.GetProperty("available").GetInt64());
        Assert.Equal(1, alert.GetProperty("threshold").GetInt64());

        // Three failed attempts in a row (alert and order mail together) open the email circuit; the alert waits.
        await kit.Server.ScrapeUntilAsync(text => MetricsScrape.Value(text, "coffer_provider_circuit_state", ("provider", "email")) == 2,
            TimeSpan.FromSeconds(30), "the email circuit to open");
        Assert.Equal("pending", (await Alerts(kit)).Single().GetProperty("status").GetString());
        Assert.True((await kit.Fake.GetCallsAsync()).Emails.Attempts >= 3);

        // The provider recovers: the retried jobs send the alert and the buyer's mail, once each.
        await kit.Fake.SucceedAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Alerts(kit)).Single().GetProperty("status").GetString() != "sent")
        {
            Assert.True(DateTime.UtcNow < deadline, "The stock alert was never sent after the email provider recovered.");
            await Task.Delay(200);
        }
        deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await kit.Fake.GetCallsAsync()).Emails.Created < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "The order mail was never sent after the email provider recovered.");
            await Task.Delay(200);
        }
        Assert.Equal(2, (await kit.Fake.GetCallsAsync()).Emails.Created);
        Assert.Equal("paid", (await kit.OrderAsync(order)).GetProperty("status").GetString());
        // Falling further below the threshold raises nothing new: an alert is for crossing it.
        await (await kit.CheckoutAsync("alice", CommerceKit.WalletOrder(await kit.WalletOfAsync("alice"), (variant, 1)))).ExpectAsync(HttpStatusCode.Created);
        Assert.Single(await Alerts(kit));
    }

    [Theory(Timeout = 120_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task APaidOrder_StoresItsReceipt_AndAFulfilledOne_BooksItsShipment(DatabaseProvider provider)
    {
        await using var kit = await CommerceKit.StartAsync(provider, providers: true);
        var variant = await kit.VariantAsync("TEE-1", usd: 1_000, stock: 3);
        var order = (await kit.PaidWalletOrderAsync("alice", (variant, 1))).GetProperty("id").GetGuid();
        var receipt = await kit.WaitForOrderAsync(order, o => o.GetProperty("receiptKey").ValueKind == JsonValueKind.String, "a stored receipt");
        Assert.Equal($"receipts/{RoleClients.DefaultTenant}/{order}.json", receipt.GetProperty("receiptKey").GetString());

        await (await kit.TransitionAsync(kit.Admin, order, "fulfilled")).ExpectAsync(HttpStatusCode.OK);
        var booked = await kit.WaitForOrderAsync(order, o => o.GetProperty("trackingNumber").ValueKind == JsonValueKind.String, "a booked shipment");
        Assert.StartsWith("TRK", booked.GetProperty("trackingNumber").GetString());
        await (await kit.TransitionAsync(kit.Admin, order, "shipped")).ExpectAsync(HttpStatusCode.OK);
        await (await kit.TransitionAsync(kit.Admin, order, "delivered")).ExpectAsync(HttpStatusCode.OK);
        var calls = await kit.Fake!.GetCallsAsync();
        Assert.Equal(1, calls.Objects.Created);
        Assert.Equal(1, calls.Shipments.Created);
    }

    private static async Task<List<JsonElement>> Alerts(CommerceKit kit) =>
        (await (await kit.Admin.GetAsync("/api/v1/commerce/inventory/alerts")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().ToList();
}
