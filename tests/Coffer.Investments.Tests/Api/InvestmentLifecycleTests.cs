using System.Net;
using Coffer.Ledger.Accounts;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Api;

/// <summary>
/// The lifecycle through the API: placed (pending, no money moved) → execute (202, queued job) → active with the principal in the
/// product's custody → redeemed with principal and accrued return; and the failure path when the wallet cannot pay.
/// </summary>
public sealed class InvestmentLifecycleTests
{
    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PlaceExecuteRedeem_MovesThePrincipalOnceEachWay_AndPaysTheAccruedReturn(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync(rate: 0.05m, termDays: 365);
        var accounts = (await kit.ProductAsync(product)).GetProperty("accounts");
        var custody = accounts.GetProperty("custody").GetGuid();
        Assert.Equal(SystemAccounts.IdOf("acme", "USD", $"custody:{Platform.Paging.Cursor.Encode(product)}"), custody);

        var created = await (await kit.Alice.PostJsonAsync("/api/v1/investment/investments",
            new { productId = product, accountId = kit.AliceWallet, amount = 100_000 })).ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal(InvestmentKit.AliceFunds, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("available").GetInt64());

        var response = await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{id}/execute", null, idempotencyKey: "exec-1");
        var queued = await response.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal($"inv_{id:N}", queued.GetProperty("externalReference").GetString());
        Assert.Equal("exec-1", queued.GetProperty("idempotencyKey").GetString());
        Assert.False(string.IsNullOrWhiteSpace(queued.GetProperty("message").GetString()));
        var jobId = queued.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/v1/jobs/{jobId}", response.Headers.Location?.OriginalString);

        // Job status is verifiable: the owner reads the job until it has succeeded.
        var job = await kit.Alice.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal("execute-investment", job.GetProperty("type").GetString());
        var active = await kit.InvestmentAsync(id);
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal(jobId, active.GetProperty("executeJobId").GetGuid());
        Assert.Equal(InvestmentKit.AliceFunds - 100_000, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("posted").GetInt64());
        Assert.Equal(100_000, await kit.PostedAsync(custody));
        Assert.Equal(1, await kit.TransfersWithReferenceAsync($"investment:{id:N}:debit"));

        // 30 days later: the execution time of record is moved back (the accrual reads it, not the wall clock).
        await kit.MoveExecutionBackAsync(id, TimeSpan.FromDays(30));
        var redeem = await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{id}/redeem", new { idempotencyKey = "redeem-1" }, idempotencyKey: "redeem-1"))
            .ExpectAsync(HttpStatusCode.Accepted);
        await kit.Alice.WaitForJobAsync(redeem.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        var redeemed = await kit.InvestmentAsync(id);
        Assert.Equal("redeemed", redeemed.GetProperty("status").GetString());
        const long accrued = 410; // floor(100000 × 0.05 × 30 / 365)
        Assert.Equal(accrued, redeemed.GetProperty("returnPaid").GetInt64());
        Assert.Equal(InvestmentKit.AliceFunds + accrued, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("posted").GetInt64());
        Assert.Equal(0, await kit.PostedAsync(custody));
        Assert.Equal(-accrued, await kit.PostedAsync(accounts.GetProperty("dividendPool").GetGuid()));

        // A second redemption is an illegal transition, whatever its key.
        Assert.Equal("invalid_transition", (await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{id}/redeem", null))
            .ExpectAsync(HttpStatusCode.Conflict)).Code());
        Assert.Empty(await LedgerAudit.CheckAsync(kit.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Execute_WithoutFunds_FailsWithAReason_AndMovesNothing(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync(max: 5_000_000);
        var id = await kit.InvestAsync(product, InvestmentKit.AliceFunds + 1);

        var failed = await kit.ExecuteAsync(id);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("insufficient_funds", failed.GetProperty("failureReason").GetString());
        Assert.Equal(InvestmentKit.AliceFunds, (await kit.Alice.BalanceAsync(kit.AliceWallet)).GetProperty("posted").GetInt64());
        Assert.Equal(0, await kit.TransfersWithReferenceAsync($"investment:{id:N}"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Invest_RefusesWhatTheProductDoesNotTake(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var product = await kit.OpenProductAsync(min: 1_000, max: 10_000);
        var eurWallet = await kit.Alice.CreateWalletAsync("EUR");
        var draft = (await (await kit.Admin.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody()))
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Task<HttpResponseMessage> Invest(Guid p, Guid w, long amount) =>
            kit.Alice.PostJsonAsync("/api/v1/investment/investments", new { productId = p, accountId = w, amount });

        Assert.Equal("amount_out_of_range", (await (await Invest(product, kit.AliceWallet, 999)).ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        Assert.Equal("amount_out_of_range", (await (await Invest(product, kit.AliceWallet, 10_001)).ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        Assert.Equal("currency_mismatch", (await (await Invest(product, eurWallet, 5_000)).ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        // A customer does not see draft products; another customer's wallet is not found either.
        Assert.Equal("not_found", (await (await Invest(draft, kit.AliceWallet, 5_000)).ExpectAsync(HttpStatusCode.NotFound)).Code());
        var bobWallet = await kit.Server.Customer("bob").CreateWalletAsync();
        Assert.Equal("not_found", (await (await Invest(product, bobWallet, 5_000)).ExpectAsync(HttpStatusCode.NotFound)).Code());
        await (await kit.Admin.PostJsonAsync($"/api/v1/investment/products/{product}/close", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("product_not_open", (await (await Invest(product, kit.AliceWallet, 5_000)).ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        var errors = await (await kit.Alice.PostJsonAsync("/api/v1/investment/investments", new { productId = product, amount = -1 }))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", errors.Code());
        Assert.True(errors.GetProperty("errors").TryGetProperty("accountId", out _));
        Assert.True(errors.GetProperty("errors").TryGetProperty("amount", out _));
    }
}
