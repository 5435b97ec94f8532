using System.Net;
using System.Text;
using System.Text.Json;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Platform.Webhooks;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Commerce.Tests.Orders;

/// <summary>
/// A server for order tests: an admin, an operator and customers with funded USD wallets; jobs poll and back off quickly and
/// rate limits are out of the way. With a <see cref="FakeProviderServer"/> every provider (payments, email, shipping, storage)
/// is that fake, and payment webhooks are signed with <see cref="WebhookSecret"/>.
/// </summary>
internal sealed class CommerceKit : IAsyncDisposable
{
    public const string WebhookSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    public const long Funds = 1_000_000;

    private readonly Dictionary<string, Guid> _wallets = new(StringComparer.Ordinal);

    private CommerceKit(CofferTestServer server, FakeProviderServer? fake) => (Server, Fake) = (server, fake);

    public CofferTestServer Server { get; }
    public FakeProviderServer? Fake { get; }
    public TestDatabase Database => Server.Database;
    public HttpClient Admin => Server.Admin();
    public HttpClient Ops => Server.Operator();
    public HttpClient Customer(string name) => Server.Customer(name);

    /// <param name="providers">Start a fake for every provider.</param>
    /// <param name="settings">More settings (e.g. <c>Coffer:Commerce:ReservationSeconds</c>), applied last.</param>
    public static async Task<CommerceKit> StartAsync(DatabaseProvider provider, bool providers = false,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var fake = providers ? await FakeProviderServer.StartAsync() : null;
        var all = new Dictionary<string, string?>
        {
            ["Coffer:Jobs:PollMilliseconds"] = "50",
            ["Coffer:Jobs:FirstBackoffSeconds"] = "0.2",
            ["Coffer:RateLimits:Policies:writes:Permits"] = "100000",
            ["Coffer:RateLimits:Policies:reads:Permits"] = "100000",
            ["Coffer:Webhooks:payments:Secrets:0"] = WebhookSecret,
            ["Coffer:Commerce:ReservationSweepSeconds"] = "1",
        };
        if (fake is not null)
        {
            foreach (var section in new[] { "Payments", "Email", "Shipping", "Storage" })
            {
                all[$"Coffer:Providers:{section}:BaseUrl"] = fake.BaseUrl.ToString();
                all[$"Coffer:Providers:{section}:RetryBaseDelayMilliseconds"] = "10";
                all[$"Coffer:Providers:{section}:AttemptTimeoutSeconds"] = "2";
            }
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        try
        {
            return new CommerceKit(await CofferTestServer.StartAsync(provider, all, services), fake);
        }
        catch
        {
            if (fake is not null)
            {
                await fake.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>The USD wallet of customer <paramref name="name"/>, opened and funded with <see cref="Funds"/> on first use.</summary>
    public async Task<Guid> WalletOfAsync(string name, long funds = Funds)
    {
        if (!_wallets.TryGetValue(name, out var wallet))
        {
            wallet = await Customer(name).CreateWalletAsync();
            await Ops.DepositAsync(wallet, funds);
            _wallets[name] = wallet;
        }
        return wallet;
    }

    /// <summary>An active product with one variant priced <paramref name="usd"/> and <paramref name="stock"/> units on hand; its variant id.</summary>
    public async Task<Guid> VariantAsync(string sku, long usd = 1_500, long stock = 10, long? threshold = null)
    {
        var product = await (await Admin.PostJsonAsync("/api/v1/commerce/products", new
        {
            name = $"Product {sku}", status = "active",
            variants = new[] { new { sku, prices = new Dictionary<string, long> { ["USD"] = usd } } },
        })).ExpectAsync(HttpStatusCode.Created);
        var variant = product.GetProperty("variants")[0].GetProperty("id").GetGuid();
        if (threshold is { } level)
        {
            await (await Admin.PutJsonAsync($"/api/v1/commerce/inventory/{variant}/threshold", new { lowStockThreshold = level, idempotencyKey = Guid.NewGuid().ToString("N") }))
                .ExpectAsync(HttpStatusCode.OK);
        }
        if (stock > 0)
        {
            await (await Admin.PostJsonAsync($"/api/v1/commerce/inventory/{variant}/adjustments", new { delta = stock, reason = "Received" }))
                .ExpectAsync(HttpStatusCode.OK);
        }
        return variant;
    }

    public static object WalletOrder(Guid wallet, params (Guid Variant, int Quantity)[] items) => new
    {
        items = items.Select(i => new { variantId = i.Variant, quantity = i.Quantity }),
        payment = new { method = "wallet", accountId = wallet },
    };

    public static object CardOrder(params (Guid Variant, int Quantity)[] items) => new
    {
        items = items.Select(i => new { variantId = i.Variant, quantity = i.Quantity }),
        payment = new { method = "card" },
        currency = "USD",
        email = "alice@example.com",
    };

    /// <summary>A checkout by <paramref name="customer"/>'s client, which names itself (the audit trail records the user agent).</summary>
    public Task<HttpResponseMessage> CheckoutAsync(string customer, object body, string? key = null)
    {
        var client = Customer(customer);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("CofferShop/1.0");
        return client.PostJsonAsync("/api/v1/commerce/orders", body, key ?? Guid.NewGuid().ToString("N"));
    }

    /// <summary>Checks out for <paramref name="customer"/> with their wallet and waits until the order is paid.</summary>
    public async Task<JsonElement> PaidWalletOrderAsync(string customer, params (Guid Variant, int Quantity)[] items)
    {
        var order = await (await CheckoutAsync(customer, WalletOrder(await WalletOfAsync(customer), items))).ExpectAsync(HttpStatusCode.Created);
        return await WaitForStatusAsync(order.GetProperty("id").GetGuid(), "paid");
    }

    public async Task<JsonElement> OrderAsync(Guid id) =>
        await (await Admin.GetAsync($"/api/v1/commerce/orders/{id}")).ExpectAsync(HttpStatusCode.OK);

    /// <summary>Polls the order (as the admin) until it has <paramref name="status"/> (and, if given, a payment status), for at most 20 s.</summary>
    public Task<JsonElement> WaitForStatusAsync(Guid id, string status, string? paymentStatus = null) =>
        WaitForOrderAsync(id, o => o.GetProperty("status").GetString() == status
            && (paymentStatus is null || o.GetProperty("payment").GetProperty("status").GetString() == paymentStatus),
            $"{status} / {paymentStatus ?? "any payment status"}");

    /// <summary>Polls the order (as the admin) until <paramref name="done"/> holds, for at most 20 s; fails naming <paramref name="what"/>.</summary>
    public async Task<JsonElement> WaitForOrderAsync(Guid id, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var order = await OrderAsync(id);
            if (done(order))
            {
                return order;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Order {id} never got to {what}: {order}");
            await Task.Delay(50);
        }
    }

    public Task<HttpResponseMessage> TransitionAsync(HttpClient client, Guid order, string status, string? trackingNumber = null) =>
        client.PostJsonAsync($"/api/v1/commerce/orders/{order}/transitions", new { status, trackingNumber }, Guid.NewGuid().ToString("N"));

    public async Task<JsonElement> StockAsync(Guid variant) =>
        await (await Admin.GetAsync($"/api/v1/commerce/inventory/{variant}")).ExpectAsync(HttpStatusCode.OK);

    public async Task<long> AvailableAsync(Guid wallet) => (await Ops.BalanceAsync(wallet)).GetProperty("available").GetInt64();

    public async Task<long> PostedAsync(Guid wallet) => (await Ops.BalanceAsync(wallet)).GetProperty("posted").GetInt64();

    /// <summary>The posted balance of the tenant's merchant revenue account (credits less debits), 0 before its first use.</summary>
    public Task<long> MerchantRevenueAsync() => DatabaseShell.ScalarAsync<long>(Database,
        "SELECT COALESCE(SUM(posted_credits - posted_debits), 0) FROM accounts WHERE system_code = 'merchant_revenue'");

    /// <summary>A payment webhook signed as the provider signs it.</summary>
    public Task<HttpResponseMessage> PaymentWebhookAsync(string id, string type, Guid order, string paymentReference, long amount,
        string currency = "USD", string tenant = RoleClients.DefaultTenant)
    {
        var body = JsonSerializer.Serialize(new { type, data = new { tenantId = tenant, orderId = order, paymentReference, amount, currency } });
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/payments")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(WebhookSecret, id, at, Encoding.UTF8.GetBytes(body)));
        return Server.CreateClient().SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Fake is not null)
        {
            await Fake.DisposeAsync();
        }
    }
}
