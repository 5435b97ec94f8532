using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class HoldTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateHold_ReducesAvailableButNotPosted(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);

        var response = await p.Alice.PostHoldAsync(p.AliceWallet, p.BobWallet, 300, expiresInSeconds: 3_600);

        var hold = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/holds/{hold.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal("pending", hold.Str("status"));
        Assert.Equal(300, hold.Long("amount"));
        Assert.Equal("USD", hold.Str("currency"));
        Assert.Equal(p.AliceWallet, hold.GetProperty("fromAccountId").GetGuid());
        Assert.Equal(p.BobWallet, hold.GetProperty("toAccountId").GetGuid());
        var expiresIn = hold.GetProperty("expiresAt").GetDateTimeOffset() - hold.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(3_600), expiresIn);
        Assert.Equal((1_000L, -300L, 700L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal((0L, 300L, 0L), await p.Bob.BalancesAsync(p.BobWallet));
        Assert.Equal("pending", (await p.Alice.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
        Assert.Equal("pending", (await p.Bob.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateHold_MoreThanAvailable_Returns422AndReservesNothing(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 600);

        var response = await p.Alice.PostHoldAsync(p.AliceWallet, p.BobWallet, 401, expiresInSeconds: 60);

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal((1_000L, -600L, 400L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal(1, await p.Server.CountTransfersAsync("hold"));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_WhileFundsAreHeld_CannotSpendTheHeldPart(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 700);

        var response = await p.Alice.PostTransferAsync(p.AliceWallet, p.BobWallet, 301);

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        await p.Alice.TransferAsync(p.AliceWallet, p.BobWallet, 300);
        Assert.Equal((700L, -700L, 0L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CaptureHold_WithoutAmount_CapturesAll(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        var captured = await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(hold.Id(), captured.Id());
        Assert.Equal("captured", captured.Str("status"));
        Assert.Equal(300, captured.Long("capturedAmount"));
        Assert.NotEqual(JsonValueKind.Null, captured.GetProperty("resolutionTransferId").ValueKind);
        Assert.Equal("captured", (await p.Alice.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
        Assert.Equal((700L, 0L, 700L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal((300L, 0L, 300L), await p.Bob.BalancesAsync(p.BobWallet));
        var resolution = await p.Bob.GetOkAsync($"/api/v1/transfers/{captured.GetProperty("resolutionTransferId").GetGuid()}");
        Assert.Equal("hold_capture", resolution.Str("code"));
        Assert.Equal(300, resolution.Long("amount"));
        Assert.Equal(hold.Id(), resolution.GetProperty("holdId").GetGuid());
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CaptureHold_WithNoBodyAtAll_CapturesAll(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        var captured = await (await p.Bob.PostEmptyAsync($"/api/v1/holds/{hold.Id()}/capture")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("captured", captured.Str("status"));
        Assert.Equal(300, captured.Long("capturedAmount"));
        Assert.Equal((300L, 0L, 300L), await p.Bob.BalancesAsync(p.BobWallet));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CaptureHold_Partially_PostsThePartAndReleasesTheRest(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        var captured = await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { amount = 120 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("captured", captured.Str("status"));
        Assert.Equal(120, captured.Long("capturedAmount"));
        Assert.Equal(300, captured.Long("amount"));
        Assert.Equal((880L, 0L, 880L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal((120L, 0L, 120L), await p.Bob.BalancesAsync(p.BobWallet));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CaptureHold_MoreThanHeld_Returns422AndLeavesTheHoldPending(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        var response = await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { amount = 301 });

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "capture_exceeds_hold");
        Assert.Equal("pending", (await p.Bob.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
        Assert.Equal((1_000L, -300L, 700L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal((0L, 300L, 0L), await p.Bob.BalancesAsync(p.BobWallet));
        Assert.Equal(0, await p.Server.CountTransfersAsync("hold_capture"));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, 0L)]
    [InlineData(DatabaseProvider.Sqlite, -1L)]
    [InlineData(DatabaseProvider.Postgres, 0L)]
    [InlineData(DatabaseProvider.Postgres, -1L)]
    public async Task CaptureHold_NonPositiveAmount_Returns400(DatabaseProvider provider, long amount)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { amount })).ExpectValidationErrorAsync("amount");
        Assert.Equal("pending", (await p.Bob.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task VoidHold_ReleasesTheReservation(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        var voided = await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/void", null)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("voided", voided.Str("status"));
        Assert.Equal(JsonValueKind.Null, voided.GetProperty("capturedAmount").ValueKind);
        Assert.Equal("voided", (await p.Alice.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
        Assert.Equal((1_000L, 0L, 1_000L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal((0L, 0L, 0L), await p.Bob.BalancesAsync(p.BobWallet));
        Assert.Equal(1, await p.Server.CountTransfersAsync("hold_void"));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "capture", "capture")]
    [InlineData(DatabaseProvider.Sqlite, "capture", "void")]
    [InlineData(DatabaseProvider.Sqlite, "void", "capture")]
    [InlineData(DatabaseProvider.Sqlite, "void", "void")]
    [InlineData(DatabaseProvider.Postgres, "capture", "capture")]
    [InlineData(DatabaseProvider.Postgres, "capture", "void")]
    [InlineData(DatabaseProvider.Postgres, "void", "capture")]
    [InlineData(DatabaseProvider.Postgres, "void", "void")]
    public async Task ResolveHold_AfterItWasResolved_Returns422HoldNotPendingAndChangesNothing(DatabaseProvider provider, string first, string second)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);
        await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/{first}", new { })).ExpectAsync(HttpStatusCode.OK);
        var payerAfterFirst = await p.Alice.BalancesAsync(p.AliceWallet);
        var payeeAfterFirst = await p.Bob.BalancesAsync(p.BobWallet);

        var response = await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/{second}", new { });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "hold_not_pending", checkStatusMember: false);
        Assert.Contains(first == "capture" ? "captured" : "voided", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(payerAfterFirst, await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal(payeeAfterFirst, await p.Bob.BalancesAsync(p.BobWallet));
        Assert.Equal(first == "capture" ? 1 : 0, await p.Server.CountTransfersAsync("hold_capture"));
        Assert.Equal(first == "void" ? 1 : 0, await p.Server.CountTransfersAsync("hold_void"));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CaptureOrVoid_ByThePayer_Returns403WhileThePayeeCanCapture(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        await (await p.Alice.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await p.Alice.PostJsonAsync($"/api/v1/holds/{hold.Id()}/void", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal((1_000L, -300L, 700L), await p.Alice.BalancesAsync(p.AliceWallet));

        await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(300, await p.Bob.AvailableAsync(p.BobWallet));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Hold_ThirdCustomerOrOtherTenant_Returns404ForReadCaptureAndVoid(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var globexOps = p.Server.Operator("globex");
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        foreach (var stranger in new[] { p.Carol, globexOps })
        {
            await (await stranger.GetAsync($"/api/v1/holds/{hold.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await stranger.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await stranger.PostJsonAsync($"/api/v1/holds/{hold.Id()}/void", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        }
        Assert.Equal("pending", (await p.Bob.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
        Assert.Equal((1_000L, -300L, 700L), await p.Alice.BalancesAsync(p.AliceWallet));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CaptureHold_ByAnOperator_Succeeds(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);

        var captured = await (await p.Ops.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { amount = 50 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("captured", captured.Str("status"));
        Assert.Equal(950, await p.Alice.AvailableAsync(p.AliceWallet));
        Assert.Equal(50, await p.Bob.AvailableAsync(p.BobWallet));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ExpiredHold_ShowsExpiredAndCannotBeCaptured(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300, expiresInSeconds: 1);

        await Task.Delay(TimeSpan.FromMilliseconds(1_500));

        Assert.Equal("expired", (await p.Alice.GetOkAsync($"/api/v1/holds/{hold.Id()}")).Str("status"));
        var capture = await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { });
        var problem = await capture.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "hold_not_pending", checkStatusMember: false);
        Assert.Contains("expired", problem.Str("detail"), StringComparison.Ordinal);
        await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/void", new { }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "hold_not_pending", checkStatusMember: false);
        Assert.Equal(0, await p.Server.CountTransfersAsync("hold_capture"));
        Assert.Equal(0, await p.Bob.AvailableAsync(p.BobWallet));
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ExpiredHold_IsReleasedByTheSweeper(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true,
            settings: new Dictionary<string, string?> { ["Coffer:Ledger:HoldSweepIntervalSeconds"] = "0.2" });
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300, expiresInSeconds: 1);
        var longLived = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 100, expiresInSeconds: 3_600);
        Assert.Equal(600, await p.Alice.AvailableAsync(p.AliceWallet));

        var clock = Stopwatch.StartNew();
        while (await p.Alice.AvailableAsync(p.AliceWallet) != 900 || await p.Server.CountTransfersAsync("hold_expiry") == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The sweeper did not release the expired hold within 10 s.");
            await Task.Delay(100);
        }

        Assert.Equal(1, await p.Server.CountTransfersAsync("hold_expiry"));
        var expired = await p.Alice.GetOkAsync($"/api/v1/holds/{hold.Id()}");
        Assert.Equal("expired", expired.Str("status"));
        Assert.NotEqual(JsonValueKind.Null, expired.GetProperty("resolutionTransferId").ValueKind);
        Assert.Equal("pending", (await p.Alice.GetOkAsync($"/api/v1/holds/{longLived.Id()}")).Str("status"));
        Assert.Equal((1_000L, -100L, 900L), await p.Alice.BalancesAsync(p.AliceWallet));
        Assert.Equal((0L, 100L, 0L), await p.Bob.BalancesAsync(p.BobWallet));
        await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "hold_not_pending", checkStatusMember: false);
        Assert.Empty(await LedgerAudit.CheckAsync(p.Server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateHold_CustomerIntoSystemAccount_Returns404(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var clearing = SystemAccountsId("acme");

        var response = await p.Alice.PostHoldAsync(p.AliceWallet, clearing, 10, expiresInSeconds: 60);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1_000, await p.Alice.AvailableAsync(p.AliceWallet));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateHold_FromSomeoneElsesWallet_Returns404(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var carols = await p.Carol.CreateWalletAsync();

        var response = await p.Carol.PostHoldAsync(p.AliceWallet, carols, 10, expiresInSeconds: 60);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1_000, await p.Alice.AvailableAsync(p.AliceWallet));
        Assert.Equal(0, await p.Server.CountTransfersAsync("hold"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateHold_InvalidFields_Returns400NamingThem(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);

        await (await p.Alice.PostHoldAsync(p.AliceWallet, p.BobWallet, 10, expiresInSeconds: 0))
            .ExpectValidationErrorAsync("expiresInSeconds");
        await (await p.Alice.PostJsonAsync("/api/v1/holds",
                new { fromAccountId = p.AliceWallet, toAccountId = p.BobWallet, amount = 10, currency = "USD" }))
            .ExpectValidationErrorAsync("expiresInSeconds");
        await (await p.Alice.PostHoldAsync(p.AliceWallet, p.AliceWallet, 10, expiresInSeconds: 60))
            .ExpectValidationErrorAsync("toAccountId");
        await (await p.Alice.PostHoldAsync(p.AliceWallet, p.BobWallet, 0, expiresInSeconds: 60))
            .ExpectValidationErrorAsync("amount");
        Assert.Equal(0, await p.Server.CountTransfersAsync("hold"));
        Assert.Equal(1_000, await p.Alice.AvailableAsync(p.AliceWallet));
    }

    private static Guid SystemAccountsId(string tenant) =>
        Coffer.Ledger.Accounts.SystemAccounts.IdOf(tenant, "USD", Coffer.Ledger.Accounts.SystemAccounts.ExternalClearing);

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task CreateHold_ReadBack_ReportsTheSameTimestampsAsTheCreateResponse(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var created = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 10));
        }

        foreach (var hold in created)
        {
            var fetched = await p.Alice.GetOkAsync($"/api/v1/holds/{hold.Id()}");
            Assert.Equal(hold.WithoutTimestamps(), fetched.WithoutTimestamps());
            Assert.Equal(hold.GetProperty("createdAt").GetDateTimeOffset(), fetched.GetProperty("createdAt").GetDateTimeOffset());
            Assert.Equal(hold.GetProperty("expiresAt").GetDateTimeOffset(), fetched.GetProperty("expiresAt").GetDateTimeOffset());
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task HoldNotPendingProblem_HasOneNumericStatusMember(DatabaseProvider provider)
    {
        await using var p = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var hold = await p.Alice.HoldAsync(p.AliceWallet, p.BobWallet, 300);
        await (await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/void", new { })).ExpectAsync(HttpStatusCode.OK);

        var response = await p.Bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { });

        // RFC 9457: "status" is the HTTP status code (a number); the hold's own state must travel under another name.
        var body = await response.Content.ReadAsStringAsync();
        var statusMembers = JsonDocument.Parse(body).RootElement.EnumerateObject().Where(m => m.Name == "status").ToList();
        Assert.True(statusMembers.Count == 1, $"Expected one 'status' member but found {statusMembers.Count}: {body}");
        Assert.Equal(422, statusMembers[0].Value.GetInt32());
        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "hold_not_pending");
    }
}
