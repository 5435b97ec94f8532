using System.Net;
using Coffer.Ledger.Contracts;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Investments.Tests.Dividends;

/// <summary>
/// Dividends through the API: to one investment from its product's pool; pro rata over a product's investments with the parts
/// summing exactly to the total; each investment paid once even when the job dies mid-run and runs again.
/// </summary>
public sealed class DividendTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DividendToOneInvestment_PaysItsWalletFromThePool_Once(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        var id = await kit.InvestAsync(product, 10_000);
        await kit.ExecuteAsync(id);
        var body = new { amount = 1_234, currency = "USD", reference = "Q3-coupon", idempotencyKey = "div-q3" };

        var first = await kit.Ops.PostJsonAsync($"/api/v1/investment/investments/{id}/dividends", body, idempotencyKey: "div-q3");
        var queued = await first.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal("Q3-coupon", queued.GetProperty("externalReference").GetString());
        Assert.Equal("div-q3", queued.GetProperty("idempotencyKey").GetString());
        var distribution = queued.GetProperty("distributionId").GetGuid();
        Assert.Equal($"/api/v1/investment/products/{product}/dividends/{distribution}", first.Headers.Location?.OriginalString);
        var job = await kit.Ops.WaitForJobAsync(queued.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal("distribute-dividend", job.GetProperty("type").GetString());

        var progress = await (await kit.Ops.GetAsync($"/api/v1/investment/products/{product}/dividends/{distribution}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("completed", progress.GetProperty("status").GetString());
        Assert.Equal(1, progress.GetProperty("paid").GetProperty("count").GetInt32());
        Assert.Equal(1_234, progress.GetProperty("paid").GetProperty("amount").GetInt64());
        Assert.Equal(0, progress.GetProperty("pending").GetProperty("count").GetInt32());
        Assert.Equal(InvestmentKit.AliceFunds - 10_000 + 1_234, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("posted").GetInt64());
        var pool = (await kit.ProductAsync(product)).GetProperty("accounts").GetProperty("dividendPool").GetGuid();
        Assert.Equal(-1_234, await kit.PostedAsync(pool));

        // The same dividend again: under the same key, the same answer; under another key, refused by its reference.
        var replay = await kit.Ops.PostJsonAsync($"/api/v1/investment/investments/{id}/dividends", body, idempotencyKey: "div-q3");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        var again = await kit.Ops.PostJsonAsync($"/api/v1/investment/investments/{id}/dividends", body with { idempotencyKey = "other" },
            idempotencyKey: "other");
        Assert.Equal("duplicate_reference", (await again.ExpectAsync(HttpStatusCode.Conflict)).Code());
        Assert.Equal(1, await kit.TransfersWithReferenceAsync("dividend:"));
        // A product dividend needs someone to pay: a product without active investments is refused before anything is queued.
        var empty = await kit.OpenProductAsync();
        Assert.Equal("no_active_investments", (await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{empty}/dividends",
            new { totalAmount = 100, currency = "USD", reference = "nobody" })).ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        // Customers do not pay dividends.
        await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{id}/dividends",
            new { amount = 1, currency = "USD", reference = "mine" })).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task IssuerFunding_FillsThePool_OncePerExternalReference_AndDividendsDrawItDown(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync();
        var id = await kit.InvestAsync(product, 10_000);
        await kit.ExecuteAsync(id);
        var pool = (await kit.ProductAsync(product)).GetProperty("accounts").GetProperty("dividendPool").GetGuid();
        var funding = new { amount = 50_000, currency = "USD", externalReference = "wire-7781" };

        var funded = await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividend-pool/fundings", funding))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(50_000, funded.GetProperty("poolBalance").GetInt64());
        Assert.Equal("duplicate_external_reference", (await (await kit.Ops.PostJsonAsync(
            $"/api/v1/investment/products/{product}/dividend-pool/fundings", funding)).ExpectAsync(HttpStatusCode.Conflict)).Code());
        await (await kit.Alice.PostJsonAsync($"/api/v1/investment/products/{product}/dividend-pool/fundings",
            funding with { externalReference = "wire-7782" })).ExpectAsync(HttpStatusCode.Forbidden);

        var queued = await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = 20_000, currency = "USD", reference = "Q4" })).ExpectAsync(HttpStatusCode.Accepted);
        await kit.Ops.WaitForJobAsync(queued.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");

        Assert.Equal(30_000, await kit.PostedAsync(pool));
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    [Theory(Timeout = 240_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ProductDividend_Over1000Investments_SumsExactly_AndPaysEachOnce_WhenTheJobDiesMidRun(DatabaseProvider provider)
    {
        var crash = new CrashOnce(afterMoves: 2);
        await using var kit = await InvestmentKit.StartAsync(provider,
            new Dictionary<string, string?> { ["Coffer:Investments:DividendChunkSize"] = "100" },
            services: services => crash.Install(services));
        var product = await kit.OpenProductAsync(min: 1, max: 1_000_000);
        var wallets = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            var customer = kit.Server.Customer($"investor-{i}");
            wallets.Add(await customer.CreateWalletAsync());
        }
        var principals = await SeedActiveInvestmentsAsync(kit, product, wallets, count: 1_000);
        const long total = 1_000_003; // does not divide evenly: the largest remainders take the leftover units
        crash.Armed = true;

        var queued = await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = total, currency = "USD", reference = "FY-2026" })).ExpectAsync(HttpStatusCode.Accepted);
        var job = await kit.Ops.WaitForJobAsync(queued.GetProperty("jobId").GetGuid(),
            j => j.GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(150));

        Assert.True(crash.Crashed, "the job should have died once mid-run");
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        var distribution = queued.GetProperty("distributionId").GetGuid();
        var progress = await (await kit.Ops.GetAsync($"/api/v1/investment/products/{product}/dividends/{distribution}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("completed", progress.GetProperty("status").GetString());
        Assert.Equal(total, progress.GetProperty("paid").GetProperty("amount").GetInt64());
        Assert.Equal(0, progress.GetProperty("pending").GetProperty("count").GetInt32());
        Assert.Equal(0, progress.GetProperty("failed").GetProperty("count").GetInt32());
        // Each investment paid once, by exactly its largest-remainder share.
        var expected = new Ledger.Money.Money(total, "USD").Allocate(principals);
        Assert.Equal(expected.Count(p => p.AmountMinor > 0), progress.GetProperty("paid").GetProperty("count").GetInt32());
        Assert.Equal(expected.Count(p => p.AmountMinor > 0), await kit.TransfersWithReferenceAsync($"dividend:{distribution:N}:"));
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Database,
            "SELECT COUNT(*) FROM (SELECT investment_id FROM dividend_payouts GROUP BY distribution_id, investment_id HAVING COUNT(*) > 1) d"));
        Assert.Equal(total, await DatabaseShell.ScalarAsync<long>(kit.Database,
            "SELECT SUM(amount) FROM transfers WHERE code = 'dividend'"));
        var paidToWallets = 0L;
        foreach (var wallet in wallets)
        {
            paidToWallets += (await kit.Ops.BalanceAsync(wallet)).GetProperty("posted").GetInt64();
        }
        Assert.Equal(total, paidToWallets);
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    /// <summary>
    /// 1000 active investments spread over <paramref name="wallets"/>, written directly (the fan-out reads active rows only;
    /// placing and executing 1000 through the API would test those paths again, slowly). Principals vary so shares differ.
    /// </summary>
    private static async Task<long[]> SeedActiveInvestmentsAsync(InvestmentKit kit, Guid product, IReadOnlyList<Guid> wallets, int count)
    {
        var sqlite = kit.Database.Provider == DatabaseProvider.Sqlite;
        var principals = new long[count];
        var values = new List<string>();
        for (var i = 0; i < count; i++)
        {
            // Version-7-like ids in order, so that "ORDER BY id" matches the seeding order the allocation is computed in.
            var id = Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddMilliseconds(i + 1));
            principals[i] = 1_000 + (i * 7_919 % 50_000);
            var wallet = wallets[i % wallets.Count];
            string G(Guid g) => sqlite ? $"'{g.ToString().ToUpperInvariant()}'" : $"'{g}'";
            var now = sqlite ? "'2026-01-01 00:00:00+00:00'" : "TIMESTAMPTZ '2026-01-01 00:00:00+00'";
            values.Add($"({G(id)}, 'acme', {G(product)}, {G(wallet)}, 'investor-{i % wallets.Count}', {principals[i]}, 'USD', 'active', "
                + $"'inv_{id:N}', {now}, 'seed', {now}, {now})");
        }
        await DatabaseShell.ExecuteAsync(kit.Database,
            "INSERT INTO investments (id, tenant_id, product_id, account_id, owner_id, amount, currency, status, reference, executed_at, "
            + "created_by, created_at, updated_at) VALUES " + string.Join(",\n", values));
        return principals; // in id order: the ids increase with i
    }

    /// <summary>
    /// Wraps the ledger's mover: once armed, the call after <c>afterMoves</c> successful ones throws, as a worker dying between
    /// chunks would leave things (its transaction rolled back, the job to be run again).
    /// </summary>
    private sealed class CrashOnce(int afterMoves)
    {
        private readonly int _afterMoves = afterMoves;
        private int _moves;

        public bool Armed { get; set; }
        public bool Crashed { get; private set; }

        public void Install(IServiceCollection services)
        {
            var original = services.Last(d => d.ServiceType == typeof(IMoneyMover));
            services.AddScoped<IMoneyMover>(sp => new Wrapper(this, (IMoneyMover)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)));
        }

        private sealed class Wrapper(CrashOnce owner, IMoneyMover inner) : IMoneyMover
        {
            public Task<WalletInfo?> FindWalletAsync(string tenantId, Guid accountId, CancellationToken cancellationToken) =>
                inner.FindWalletAsync(tenantId, accountId, cancellationToken);

            public void OpenSystemAccounts(string tenantId, string currency, IReadOnlyList<string> codes) =>
                inner.OpenSystemAccounts(tenantId, currency, codes);

            public Task<IReadOnlyDictionary<string, Guid>> FindPostedAsync(
                string tenantId, IReadOnlyCollection<string> references, CancellationToken cancellationToken) =>
                inner.FindPostedAsync(tenantId, references, cancellationToken);

            public Task<long> SystemBalanceAsync(string tenantId, string currency, string code, CancellationToken cancellationToken) =>
                inner.SystemBalanceAsync(tenantId, currency, code, cancellationToken);

            public Task<Outcome<HeldMoney>> HoldAsync(string tenantId, MoneyHold hold, CancellationToken cancellationToken) =>
                inner.HoldAsync(tenantId, hold, cancellationToken);

            public Task<Outcome<MovedMoney>> CaptureHoldAsync(string tenantId, Guid holdId, CancellationToken cancellationToken) =>
                inner.CaptureHoldAsync(tenantId, holdId, cancellationToken);

            public Task<Outcome<bool>> ReleaseHoldAsync(string tenantId, Guid holdId, CancellationToken cancellationToken) =>
                inner.ReleaseHoldAsync(tenantId, holdId, cancellationToken);

            public async Task<Outcome<IReadOnlyList<MovedMoney>>> MoveAsync(
                string tenantId, IReadOnlyList<MoneyMovement> movements, CancellationToken cancellationToken)
            {
                if (owner.Armed && !owner.Crashed && Interlocked.Increment(ref owner._moves) > owner._afterMoves)
                {
                    owner.Crashed = true;
                    throw new InvalidOperationException("Simulated worker death between dividend chunks.");
                }
                return await inner.MoveAsync(tenantId, movements, cancellationToken);
            }
        }
    }
}
