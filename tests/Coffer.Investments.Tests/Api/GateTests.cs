using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Api;

/// <summary>SEEDS §A source controls: 403 while a flag is off, 429 after the hourly limit, per user.</summary>
public sealed class GateTests
{
    private static object Flag(bool enabled) => new { enabled, killSwitch = false, rolloutPercentage = 100 };

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EachFlagOff_Answers403FeatureDisabled_OnItsEndpoints_AndOnAgainRestoresThem(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var flags = kit.Server.PlatformAdmin();
        var product = await kit.OpenProductAsync();
        var active = await kit.InvestAsync(product, 1_000);
        await kit.ExecuteAsync(active);
        var pending = await kit.InvestAsync(product, 1_000);

        await (await flags.PutJsonAsync("/api/v1/admin/flags/investment_module_enabled", Flag(false))).ExpectAsync(HttpStatusCode.OK);
        await ExpectDisabledAsync(kit.Admin.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody()), "investment_module_enabled");
        await ExpectDisabledAsync(kit.Alice.PostJsonAsync("/api/v1/investment/investments",
            new { productId = product, accountId = kit.AliceWallet, amount = 1_000 }), "investment_module_enabled");
        await ExpectDisabledAsync(kit.Alice.GetAsync($"/api/v1/investment/investments/{pending}"), "investment_module_enabled");
        await (await flags.PutJsonAsync("/api/v1/admin/flags/investment_module_enabled", Flag(true))).ExpectAsync(HttpStatusCode.OK);

        await (await flags.PutJsonAsync("/api/v1/admin/flags/investment_execution_enabled", Flag(false))).ExpectAsync(HttpStatusCode.OK);
        await ExpectDisabledAsync(kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{pending}/execute", null), "investment_execution_enabled");
        await ExpectDisabledAsync(kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{active}/redeem", null), "investment_execution_enabled");
        Assert.Equal("pending", (await kit.InvestmentAsync(pending)).GetProperty("status").GetString());
        await (await flags.PutJsonAsync("/api/v1/admin/flags/investment_execution_enabled", Flag(true))).ExpectAsync(HttpStatusCode.OK);

        await (await flags.PutJsonAsync("/api/v1/admin/flags/dividend_distribution_enabled", Flag(false))).ExpectAsync(HttpStatusCode.OK);
        await ExpectDisabledAsync(kit.Ops.PostJsonAsync($"/api/v1/investment/investments/{active}/dividends",
            new { amount = 10, currency = "USD", reference = "d-1" }), "dividend_distribution_enabled");
        await ExpectDisabledAsync(kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = 10, currency = "USD", reference = "d-2" }), "dividend_distribution_enabled");
        await (await flags.PutJsonAsync("/api/v1/admin/flags/dividend_distribution_enabled", Flag(true))).ExpectAsync(HttpStatusCode.OK);

        // On again: the same requests go through.
        await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{pending}/execute", null)).ExpectAsync(HttpStatusCode.Accepted);
        await (await kit.Ops.PostJsonAsync($"/api/v1/investment/investments/{active}/dividends",
            new { amount = 10, currency = "USD", reference = "d-1" })).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM dividend_distributions WHERE reference = 'd-2'"));
    }

    [Theory(Timeout = 90_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task HourlyLimits_Answer429AfterTheSourcesCounts_PerUser(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider, keepRateLimits: true);
        // Products: 10 per hour per user (the admin's two product calls of OpenProductAsync count).
        var product = await kit.OpenProductAsync();
        for (var i = 0; i < 8; i++)
        {
            await (await kit.Admin.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody())).ExpectAsync(HttpStatusCode.Created);
        }
        await ExpectLimitedAsync(kit.Admin.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody()), "investment-products", 10);

        // Investments: 5 per hour per user; another customer still has all of hers.
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await kit.InvestAsync(product, 1_000));
        }
        await ExpectLimitedAsync(kit.Alice.PostJsonAsync("/api/v1/investment/investments",
            new { productId = product, accountId = kit.AliceWallet, amount = 1_000 }), "investments", 5);
        var carol = kit.Server.Customer("carol");
        var carolWallet = await carol.CreateWalletAsync();
        await kit.Ops.DepositAsync(carolWallet, 10_000);
        var carols = await kit.InvestAsync(product, 1_000, carolWallet, carol);
        await kit.ExecuteAsync(carols, carol); // stays active: the dividends below have someone to pay

        // Execute (with redeem): 10 per hour per user.
        foreach (var id in ids)
        {
            await kit.ExecuteAsync(id);
        }
        foreach (var id in ids)
        {
            await (await kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{id}/redeem", null)).ExpectAsync(HttpStatusCode.Accepted);
        }
        await ExpectLimitedAsync(kit.Alice.PostJsonAsync($"/api/v1/investment/investments/{ids[0]}/redeem", null), "investment-execute", 10);

        // Dividends: 5 per hour per user.
        for (var i = 0; i < 5; i++)
        {
            await (await kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
                new { totalAmount = 100, currency = "USD", reference = $"div-{i}" })).ExpectAsync(HttpStatusCode.Accepted);
        }
        await ExpectLimitedAsync(kit.Ops.PostJsonAsync($"/api/v1/investment/products/{product}/dividends",
            new { totalAmount = 100, currency = "USD", reference = "div-5" }), "dividends", 5);
    }

    private static async Task ExpectDisabledAsync(Task<HttpResponseMessage> call, string flag)
    {
        var problem = await (await call).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("feature_disabled", problem.Code());
        Assert.Equal(flag, problem.GetProperty("flag").GetString());
    }

    private static async Task ExpectLimitedAsync(Task<HttpResponseMessage> call, string policy, int permits)
    {
        var response = await call;
        Assert.Equal("rate_limited", (await response.ExpectAsync(HttpStatusCode.TooManyRequests)).Code());
        Assert.True(response.Headers.RetryAfter is not null, "Retry-After is missing");
        Assert.Equal($"\"{policy}\";q={permits};w=3600", response.Headers.GetValues("RateLimit-Policy").Single());
    }
}
