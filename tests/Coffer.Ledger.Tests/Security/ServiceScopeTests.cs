using System.Net;
using System.Net.Http.Headers;
using Coffer.Ledger.Tests.Api;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Security;

/// <summary>Service-to-service callers (role service) act within the scopes of their client-credentials token.</summary>
public sealed class ServiceScopeTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ServiceTokens_NeedTheReadScopeForReadsAndTheWriteScopeForMovements(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 100);
        var server = parties.Server;
        var readOnly = Client(server, [Scopes.LedgerRead]);
        var writeOnly = Client(server, [Scopes.LedgerWrite]);
        var none = Client(server, []);

        await (await readOnly.GetAsync($"/api/v1/accounts/{parties.AliceWallet}")).ExpectAsync(HttpStatusCode.OK);
        var refused = await readOnly.PostJsonAsync("/api/v1/deposits",
            new { accountId = parties.AliceWallet, amount = 5, currency = "USD", externalReference = "bank-1" });
        await refused.ExpectProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Contains("insufficient_scope", refused.Headers.WwwAuthenticate.ToString());
        Assert.Contains(Scopes.LedgerWrite, refused.Headers.WwwAuthenticate.ToString());
        await (await writeOnly.PostJsonAsync("/api/v1/deposits",
            new { accountId = parties.AliceWallet, amount = 5, currency = "USD", externalReference = "bank-2" })).ExpectAsync(HttpStatusCode.Created);
        await (await writeOnly.GetAsync($"/api/v1/accounts/{parties.AliceWallet}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        await (await none.GetAsync("/api/v1/accounts")).ExpectProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        // People are not narrowed by scopes: Alice's customer token carries none and still works.
        await (await parties.Alice.GetAsync($"/api/v1/accounts/{parties.AliceWallet}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(105, await parties.Alice.AvailableAsync(parties.AliceWallet)); // only the write-scoped deposit moved money
    }

    private static HttpClient Client(CofferTestServer server, string[] scopes)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            server.TokenWithScopes("payments-gateway", RoleClients.DefaultTenant, [Roles.Service], scopes));
        return client;
    }
}
