using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Observability;

public sealed class RequestLogTests
{
    [Fact(Timeout = 30_000)]
    public async Task ByDefault_OnlyFailedRequestsAreLogged_WithMethodPathStatusAndDuration()
    {
        var capture = new LogCapture();
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 100, services: capture.Register);
        var (_, alice, _, _, from, to) = parties;
        capture.Entries.Clear();

        await alice.TransferAsync(from, to, 10);
        await (await alice.PostTransferAsync(from, to, 1_000)).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        var line = Assert.Single(capture.RequestLines);
        Assert.Contains("Method: POST", line);
        Assert.Contains("Path: /api/v1/transfers", line);
        Assert.Contains("StatusCode: 422", line);
        Assert.Contains("Duration: ", line);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhenAllAreLogged_SuccessesGetALineToo()
    {
        var capture = new LogCapture();
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 100,
            settings: new Dictionary<string, string?> { ["Coffer:Logging:Requests"] = "all" }, services: capture.Register);
        capture.Entries.Clear();

        await parties.Alice.TransferAsync(parties.AliceWallet, parties.BobWallet, 10);

        Assert.Contains(capture.RequestLines, l => l.Contains("StatusCode: 201", StringComparison.Ordinal));
    }
}
