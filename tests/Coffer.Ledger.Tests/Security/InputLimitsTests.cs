using System.Net;
using Coffer.Platform;
using Coffer.Platform.Persistence;
using Coffer.Ledger.Tests.Api;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Security;

public sealed class InputLimitsTests
{
    [Fact(Timeout = 60_000)]
    public async Task JsonNestedBeyondTheLimit_Is400_AndMovesNothing()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 100);
        var nested = new string('[', PlatformModule.MaxJsonDepth + 4) + new string(']', PlatformModule.MaxJsonDepth + 4);
        var body = $$"""{"fromAccountId":"{{parties.AliceWallet}}","toAccountId":"{{parties.BobWallet}}","amount":1,"currency":"USD","metadata":{{nested}}}""";

        var problem = await (await parties.Alice.PostRawAsync("/api/v1/transfers", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotEmpty(problem.ErrorFields());
        Assert.Equal(100, await parties.Alice.AvailableAsync(parties.AliceWallet));
    }

    [Fact(Timeout = 60_000)]
    public async Task BodyLargerThanTheLimit_Is413Problem()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 100);
        var padding = new string('x', (int)PlatformModule.MaxRequestBodyBytes);
        var body = $$"""{"fromAccountId":"{{parties.AliceWallet}}","toAccountId":"{{parties.BobWallet}}","amount":1,"currency":"USD","description":"{{padding}}"}""";

        await (await parties.Alice.PostRawAsync("/api/v1/transfers", body)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }
}
