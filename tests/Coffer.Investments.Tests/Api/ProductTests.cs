using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Api;

/// <summary>Products: admin-only writes, validation, the draft → open → closed lifecycle, and who sees what.</summary>
public sealed class ProductTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Product_IsCreatedAsDraft_WithItsLedgerAccounts_AndMovesDraftOpenClosed(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var created = await (await kit.Admin.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody(rate: 0.0425m)))
            .ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("draft", created.GetProperty("status").GetString());
        Assert.Equal(0.0425m, created.GetProperty("expectedAnnualReturn").GetDecimal());
        foreach (var account in new[] { "custody", "dividendPool", "reserve" })
        {
            // The product's own system accounts exist from the start, empty.
            Assert.Equal(0, await kit.PostedAsync(created.GetProperty("accounts").GetProperty(account).GetGuid()));
        }

        // Customers do not see drafts.
        await (await kit.Alice.GetAsync($"/api/v1/investment/products/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await kit.Alice.GetAsync("/api/v1/investment/products")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").GetArrayLength());

        Assert.Equal("open", (await (await kit.Admin.PostJsonAsync($"/api/v1/investment/products/{id}/open", null))
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(1, (await (await kit.Alice.GetAsync("/api/v1/investment/products")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").GetArrayLength());
        var reopen = await (await kit.Admin.PostJsonAsync($"/api/v1/investment/products/{id}/open", null)).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal("invalid_transition", reopen.Code());
        Assert.Equal("open", reopen.GetProperty("from").GetString());
        await (await kit.Admin.PostJsonAsync($"/api/v1/investment/products/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("invalid_transition", (await (await kit.Admin.PostJsonAsync($"/api/v1/investment/products/{id}/open", null))
            .ExpectAsync(HttpStatusCode.Conflict)).Code());
        var audit = await DatabaseShell.ScalarAsync<long>(kit.Database,
            "SELECT COUNT(*) FROM audit_events WHERE action IN ('investment_product.created', 'investment_product.opened', 'investment_product.closed')");
        Assert.Equal(3, audit);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ProductWrites_AreForAdminsOnly_AndValidatedFieldByField(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        await (await kit.Alice.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody())).ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Ops.PostJsonAsync("/api/v1/investment/products", InvestmentKit.ProductBody())).ExpectAsync(HttpStatusCode.Forbidden);

        var invalid = await (await kit.Admin.PostJsonAsync("/api/v1/investment/products", new
        {
            name = "",
            currency = "XXX",
            minAmount = 500,
            maxAmount = 100,
            expectedAnnualReturn = 1.5m,
            riskLevel = "reckless",
            termDays = 0,
            partnerProductCode = "orphan",
        })).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", invalid.Code());
        var fields = invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "currency", "maxAmount", "expectedAnnualReturn", "riskLevel", "termDays", "partnerProductCode" },
            fields);
        var unknownPartner = await (await kit.Admin.PostJsonAsync("/api/v1/investment/products",
            InvestmentKit.ProductBody(partner: Guid.NewGuid()))).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal("partnerId", unknownPartner.GetProperty("field").GetString());
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM investment_products"));
    }
}
