using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Investments.Tests.Partners;

/// <summary>Partners are the tenant administrators' to manage, and their base URL must not carry credentials in the clear.</summary>
public sealed class PartnerValidationTests
{
    private static object Partner(string baseUrl) =>
        new { name = "Northwind", baseUrl, apiKey = "pk_live_validation_1", secret = "sk_live_validation_1" };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task PlainHttpToAnotherHost_Is400NamingBaseUrl_HttpsIsAccepted(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);

        foreach (var url in new[] { "http://partner.example.com/api", "http://10.1.2.3:8080/", "ftp://partner.example.com/", "partner.example.com" })
        {
            var refused = await (await kit.Admin.PostJsonAsync("/api/v1/investment/partners", Partner(url))).ExpectAsync(HttpStatusCode.BadRequest);
            Assert.Equal("validation_failed", refused.Code());
            Assert.True(refused.GetProperty("errors").TryGetProperty("baseUrl", out _), $"{url}: {refused}");
        }
        var accepted = await (await kit.Admin.PostJsonAsync("/api/v1/investment/partners", Partner("https://partner.example.com/api")))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("https://partner.example.com/api/", accepted.GetProperty("baseUrl").GetString());
        Assert.Equal(0L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM investment_partners WHERE base_url LIKE 'http:%'"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CustomersAndOperators_Get403_OnEveryPartnerEndpoint(DatabaseProvider provider)
    {
        await using var kit = await InvestmentKit.StartAsync(provider);
        var partner = (await (await kit.Admin.PostJsonAsync("/api/v1/investment/partners", Partner("https://partner.example.com/")))
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        foreach (var client in new[] { kit.Alice, kit.Ops })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync("/api/v1/investment/partners", Partner("https://other.example.com/"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/investment/partners")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/investment/partners/{partner}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync($"/api/v1/investment/partners/{partner}/credentials",
                new { apiKey = "pk_live_mallory", secret = "sk_live_mallory" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostJsonAsync($"/api/v1/investment/partners/{partner}/status",
                new { status = "suspended" })).StatusCode);
        }
        var unchanged = await (await kit.Admin.GetAsync($"/api/v1/investment/partners/{partner}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", unchanged.GetProperty("status").GetString());
        Assert.Equal(1L, await DatabaseShell.ScalarAsync<long>(kit.Database, "SELECT COUNT(*) FROM investment_partners"));
    }
}
