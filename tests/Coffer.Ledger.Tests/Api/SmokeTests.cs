using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class SmokeTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task DepositThenTransfer_MovesMoneyAndKeepsTheBooksBalanced(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.ClientFor("alice", "acme", "customer");
        var ops = server.ClientFor("ops", "acme", "operator");
        var from = await alice.CreateWalletAsync();
        var to = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(from, 10_000);

        var response = await alice.PostJsonAsync("/api/v1/transfers", new { fromAccountId = from, toAccountId = to, amount = 2_500, currency = "USD" });

        await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(7_500, (await alice.BalanceAsync(from)).GetProperty("available").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }
}
