using System.Net;
using System.Text.Json;
using Coffer.FakeProvider;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Investments.Tests;

/// <summary>
/// A server with the investment module and the parties its tests use: the tenant's admin and operator, and Alice (a customer)
/// with a funded USD wallet. Rate limits are raised unless a test keeps the module's own (<c>keepRateLimits</c>), and jobs
/// poll and back off quickly.
/// </summary>
internal sealed class InvestmentKit : IAsyncDisposable
{
    public const long AliceFunds = 1_000_000;

    private InvestmentKit(CofferTestServer server, Guid aliceWallet)
    {
        Server = server;
        AliceWallet = aliceWallet;
    }

    public CofferTestServer Server { get; }
    public HttpClient Admin => Server.Admin();
    public HttpClient Ops => Server.Operator();
    public HttpClient Alice => Server.Customer("alice");
    public Guid AliceWallet { get; }
    public TestDatabase Database => Server.Database;

    public static readonly IReadOnlyDictionary<string, string?> FastJobs = new Dictionary<string, string?>
    {
        ["Coffer:Jobs:PollMilliseconds"] = "50",
        ["Coffer:Jobs:FirstBackoffSeconds"] = "0.2",
    };

    public static async Task<InvestmentKit> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null,
        bool keepRateLimits = false, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>(FastJobs);
        if (!keepRateLimits)
        {
            foreach (var policy in new[] { "investment-products", "investments", "investment-execute", "dividends" })
            {
                all[$"Coffer:RateLimits:Policies:{policy}:Permits"] = "100000";
            }
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var server = await CofferTestServer.StartAsync(provider, all, services);
        try
        {
            var wallet = await server.Customer("alice").CreateWalletAsync();
            await server.Operator().DepositAsync(wallet, AliceFunds);
            return new InvestmentKit(server, wallet);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A partner at <paramref name="fake"/>'s partner endpoints, registered by the admin with <paramref name="apiKey"/> and
    /// <paramref name="secret"/>, which the fake is told to accept first.
    /// </summary>
    public async Task<Guid> CreatePartnerAsync(FakeProviderServer fake, string apiKey, string secret, string? settlementAccountNumber = null,
        string name = "Northwind Asset Management")
    {
        await fake.AddPartnerCredentialsAsync(apiKey, secret);
        var partner = await (await Admin.PostJsonAsync("/api/v1/investment/partners",
                new { name, baseUrl = fake.PartnerBaseUrl.ToString(), apiKey, secret, settlementAccountNumber }))
            .ExpectAsync(HttpStatusCode.Created);
        return partner.GetProperty("id").GetGuid();
    }

    /// <summary>The wallet's posted balance, as Alice reads it.</summary>
    public async Task<long> AlicePostedAsync() => (await Alice.BalanceAsync(AliceWallet)).GetProperty("posted").GetInt64();

    /// <summary>An open USD product (created and opened by the admin); <paramref name="partner"/> makes it a partnered one.</summary>
    public async Task<Guid> OpenProductAsync(long min = 100, long max = 500_000, decimal rate = 0.05m, int termDays = 365,
        Guid? partner = null)
    {
        var product = await (await Admin.PostJsonAsync("/api/v1/investment/products", ProductBody(min, max, rate, termDays, partner)))
            .ExpectAsync(HttpStatusCode.Created);
        var id = product.GetProperty("id").GetGuid();
        await (await Admin.PostJsonAsync($"/api/v1/investment/products/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        return id;
    }

    public static object ProductBody(long min = 100, long max = 500_000, decimal rate = 0.05m, int termDays = 365, Guid? partner = null) => new
    {
        name = "Treasury ladder",
        currency = "USD",
        minAmount = min,
        maxAmount = max,
        expectedAnnualReturn = rate,
        riskLevel = "low",
        termDays,
        partnerId = partner,
        partnerProductCode = partner is null ? null : "TL-1",
    };

    /// <summary>A pending investment of Alice's wallet (or <paramref name="wallet"/>) in <paramref name="product"/>.</summary>
    public async Task<Guid> InvestAsync(Guid product, long amount, Guid? wallet = null, HttpClient? client = null)
    {
        var json = await (await (client ?? Alice).PostJsonAsync("/api/v1/investment/investments",
            new { productId = product, accountId = wallet ?? AliceWallet, amount })).ExpectAsync(HttpStatusCode.Created);
        return json.GetProperty("id").GetGuid();
    }

    /// <summary>Executes and waits for the job to succeed; returns the investment as it then reads.</summary>
    public async Task<JsonElement> ExecuteAsync(Guid investment, HttpClient? client = null)
    {
        client ??= Alice;
        var accepted = await (await client.PostJsonAsync($"/api/v1/investment/investments/{investment}/execute", null))
            .ExpectAsync(HttpStatusCode.Accepted);
        await client.WaitForJobAsync(accepted.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        return await InvestmentAsync(investment, client);
    }

    public async Task<JsonElement> InvestmentAsync(Guid investment, HttpClient? client = null) =>
        await (await (client ?? Alice).GetAsync($"/api/v1/investment/investments/{investment}")).ExpectAsync(HttpStatusCode.OK);

    public async Task<JsonElement> ProductAsync(Guid product) =>
        await (await Admin.GetAsync($"/api/v1/investment/products/{product}")).ExpectAsync(HttpStatusCode.OK);

    /// <summary>A system account's posted balance (credits − debits), read through the ledger's API by the operator.</summary>
    public async Task<long> PostedAsync(Guid accountId)
    {
        var balance = await Ops.BalanceAsync(accountId);
        return balance.GetProperty("posted").GetInt64();
    }

    /// <summary>Transfers in the database whose external reference starts with <paramref name="prefix"/>.</summary>
    public Task<long> TransfersWithReferenceAsync(string prefix) =>
        DatabaseShell.ScalarAsync<long>(Database, $"SELECT COUNT(*) FROM transfers WHERE external_reference LIKE '{prefix}%'");

    /// <summary>Moves an active investment's execution time back by <paramref name="by"/>, as if it had run that long.</summary>
    public async Task MoveExecutionBackAsync(Guid investment, TimeSpan by)
    {
        var executedAt = (await InvestmentAsync(investment, Ops)).GetProperty("executedAt").GetDateTimeOffset();
        var sqlite = Database.Provider == DatabaseProvider.Sqlite;
        // EF's SQLite storage: GUIDs as upper-case text, timestamps as ISO text; PostgreSQL takes the typed values.
        var changed = await DatabaseShell.ExecuteAsync(Database, "UPDATE investments SET executed_at = @at WHERE id = @id", asOwner: true,
            ("at", sqlite ? (executedAt - by).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture)
                : executedAt - by),
            ("id", sqlite ? investment.ToString().ToUpperInvariant() : investment));
        Assert.Equal(1, changed);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
