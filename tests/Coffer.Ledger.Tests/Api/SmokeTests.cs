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
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, _, _, from, to) = parties;

        var response = await alice.PostTransferAsync(from, to, 2_500);

        await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(7_500, (await alice.BalanceAsync(from)).GetProperty("available").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }
}
