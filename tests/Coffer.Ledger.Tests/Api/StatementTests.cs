using System.Net;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class StatementTests
{
    private static async Task<List<JsonElement>> EntriesAsync(HttpClient client, Guid accountId, int limit = 200) =>
        (await client.GetOkAsync($"/api/v1/accounts/{accountId}/entries?limit={limit}")).GetProperty("items").EnumerateArray().ToList();

    /// <summary>Transfer ids are time-ordered at millisecond resolution; spacing the steps keeps "newest first" unambiguous.</summary>
    private static Task Tick() => Task.Delay(5);

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entries_ListPostedMovementsNewestFirstWithDirections(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, _, alices, bobs) = parties;
        var deposit = parties.AliceDeposit;
        await Tick();
        var paid = await alice.TransferAsync(alices, bobs, 300);
        await Tick();
        var refund = await bob.TransferAsync(bobs, alices, 50);

        var entries = await EntriesAsync(alice, alices);

        Assert.Equal([refund.Id(), paid.Id(), deposit], entries.Select(e => e.GetProperty("transferId").GetGuid()));
        Assert.Equal(["credit", "debit", "credit"], entries.Select(e => e.Str("direction")));
        Assert.Equal([50L, 300L, 1_000L], entries.Select(e => e.Long("amount")));
        Assert.Equal(["transfer", "transfer", "deposit"], entries.Select(e => e.Str("code")));
        Assert.All(entries, e => Assert.Equal("USD", e.Str("currency")));
        Assert.All(entries, e => Assert.Equal(
            new[] { "amount", "code", "createdAt", "currency", "direction", "transferId" },
            e.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal)));
        var times = entries.Select(e => e.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        var bobsEntries = await EntriesAsync(bob, bobs);
        Assert.Equal(["debit", "credit"], bobsEntries.Select(e => e.Str("direction")));
        Assert.Equal([refund.Id(), paid.Id()], bobsEntries.Select(e => e.GetProperty("transferId").GetGuid()));

        // The statement re-derives the balance: credits less debits.
        var derived = entries.Sum(e => e.Str("direction") == "credit" ? e.Long("amount") : -e.Long("amount"));
        Assert.Equal(derived, (await alice.BalancesAsync(alices)).Posted);
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entries_PagedByCursor_ReturnEveryEntryOnceInOrder(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, _, alices, bobs) = parties;
        for (var i = 1; i <= 4; i++)
        {
            await Tick();
            await alice.TransferAsync(alices, bobs, i);
            await Tick();
            await bob.TransferAsync(bobs, alices, 1);
        }

        var all = await EntriesAsync(alice, alices);
        var (paged, pages) = await alice.ReadAllPagesAsync($"/api/v1/accounts/{alices}/entries", limit: 3);

        Assert.Equal(9, all.Count);
        Assert.Equal(3, pages);
        var pagedIds = paged.Select(e => e.GetProperty("transferId").GetGuid()).ToList();
        Assert.Equal(pagedIds.Count, pagedIds.Distinct().Count());
        Assert.Equal(all.Select(e => e.GetProperty("transferId").GetGuid()), pagedIds);
        Assert.Equal(all.Select(e => e.Str("direction")), paged.Select(e => e.Str("direction")));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entries_LastPageExactlyFull_HasNoNextCursor(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "alice");
        for (var i = 0; i < 4; i++)
        {
            await ops.DepositAsync(wallet, 10);
        }

        var first = await ops.GetOkAsync($"/api/v1/accounts/{wallet}/entries?limit=2");
        var second = await ops.GetOkAsync($"/api/v1/accounts/{wallet}/entries?limit=2&cursor={first.Str("nextCursor")}");

        Assert.Equal(2, second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entries_PendingHold_DoesNotAppearUntilCapturedThenAppearsAsHoldCapture(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, _, alices, bobs) = parties;
        var hold = await alice.HoldAsync(alices, bobs, 400);

        Assert.Single(await EntriesAsync(alice, alices));
        Assert.Empty(await EntriesAsync(bob, bobs));

        var captured = await (await bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { amount = 250 })).ExpectAsync(HttpStatusCode.OK);

        var alicesEntries = await EntriesAsync(alice, alices);
        var bobsEntries = await EntriesAsync(bob, bobs);
        Assert.Equal(2, alicesEntries.Count);
        var payerLine = alicesEntries[0];
        var payeeLine = Assert.Single(bobsEntries);
        var resolutionId = captured.GetProperty("resolutionTransferId").GetGuid();
        Assert.Equal(resolutionId, payerLine.GetProperty("transferId").GetGuid());
        Assert.Equal(resolutionId, payeeLine.GetProperty("transferId").GetGuid());
        Assert.Equal("hold_capture", payerLine.Str("code"));
        Assert.Equal("hold_capture", payeeLine.Str("code"));
        Assert.Equal("debit", payerLine.Str("direction"));
        Assert.Equal("credit", payeeLine.Str("direction"));
        Assert.Equal(250, payerLine.Long("amount"));
        Assert.Equal(250, payeeLine.Long("amount"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entries_VoidedHold_NeverAppears(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, _, alices, bobs) = parties;
        var hold = await alice.HoldAsync(alices, bobs, 400);

        await (await bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/void", new { })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["deposit"], (await EntriesAsync(alice, alices)).Select(e => e.Str("code")));
        Assert.Empty(await EntriesAsync(bob, bobs));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "201")]
    [InlineData(DatabaseProvider.Sqlite, "0")]
    [InlineData(DatabaseProvider.Sqlite, "-1")]
    [InlineData(DatabaseProvider.Postgres, "201")]
    [InlineData(DatabaseProvider.Postgres, "0")]
    [InlineData(DatabaseProvider.Postgres, "-1")]
    public async Task Entries_LimitOutOfRange_Returns400(DatabaseProvider provider, string limit)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var wallet = await alice.CreateWalletAsync();

        await (await alice.GetAsync($"/api/v1/accounts/{wallet}/entries?limit={limit}")).ExpectValidationErrorAsync("limit");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entries_LimitOfExactly200_IsAccepted(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var wallet = await alice.CreateWalletAsync();

        var page = await alice.GetOkAsync($"/api/v1/accounts/{wallet}/entries?limit=200");

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "garbage")]
    [InlineData(DatabaseProvider.Sqlite, "0190a4b2-7c3e-7a11-8f00-1234567890ab")]
    [InlineData(DatabaseProvider.Postgres, "garbage")]
    [InlineData(DatabaseProvider.Postgres, "0190a4b2-7c3e-7a11-8f00-1234567890ab")]
    public async Task Entries_BadCursor_Returns400(DatabaseProvider provider, string cursor)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var wallet = await alice.CreateWalletAsync();

        await (await alice.GetAsync($"/api/v1/accounts/{wallet}/entries?cursor={cursor}")).ExpectValidationErrorAsync("cursor");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Entries_OfAnotherCustomersWallet_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var bobs = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(bobs, 100);

        await (await alice.GetAsync($"/api/v1/accounts/{bobs}/entries")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Single(await EntriesAsync(ops, bobs));
    }
}
