using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class BatchTests
{
    private static object Item(Guid from, Guid to, long amount, string currency = "USD") =>
        new { fromAccountId = from, toAccountId = to, amount, currency };

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_AllItemsValid_PostsEveryTransferInOrder(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, a, b) = parties;
        var c = await ops.CreateWalletAsync(ownerId: "carol");

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = new[] { Item(a, b, 100), Item(a, c, 250), Item(a, b, 5) } });

        var body = await response.ExpectAsync(HttpStatusCode.Created);
        var transfers = body.GetProperty("transfers").EnumerateArray().ToList();
        Assert.Equal(3, transfers.Count);
        Assert.Equal([100L, 250L, 5L], transfers.Select(t => t.Long("amount")));
        Assert.Equal([b, c, b], transfers.Select(t => t.GetProperty("toAccountId").GetGuid()));
        Assert.All(transfers, t => Assert.Equal("posted", t.Str("status")));
        Assert.All(transfers, t => Assert.Equal("transfer", t.Str("code")));
        Assert.Equal(3, transfers.Select(t => t.Id()).Distinct().Count());
        foreach (var transfer in transfers)
        {
            Assert.Equal(transfer.Long("amount"), (await alice.GetOkAsync($"/api/v1/transfers/{transfer.Id()}")).Long("amount"));
        }
        Assert.Equal(645, await alice.AvailableAsync(a));
        Assert.Equal(105, await ops.AvailableAsync(b));
        Assert.Equal(250, await ops.AvailableAsync(c));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_ItemAtIndexTwoLacksFunds_Returns422NamingTheIndexAndPersistsNothing(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, a, b) = parties;
        var c = await ops.CreateWalletAsync(ownerId: "carol");

        // Each item alone is affordable; the third is not after the first two.
        var response = await alice.PostJsonAsync("/api/v1/transfers/batch",
            new { transfers = new[] { Item(a, b, 300), Item(a, c, 300), Item(a, b, 500), Item(a, c, 1) } });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(2, problem.GetProperty("index").GetInt32());
        Assert.Equal((1_000L, 0L, 1_000L), await alice.BalancesAsync(a));
        Assert.Equal((0L, 0L, 0L), await ops.BalancesAsync(b));
        Assert.Equal((0L, 0L, 0L), await ops.BalancesAsync(c));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_ItemWithUnknownAccount_Returns422NamingTheIndexAndPersistsNothing(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, a, b) = parties;

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch",
            new { transfers = new[] { Item(a, b, 100), Item(a, Guid.NewGuid(), 100), Item(a, b, 100) } });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_found");
        Assert.Equal(1, problem.GetProperty("index").GetInt32());
        Assert.Equal(1_000, await alice.AvailableAsync(a));
        Assert.Equal(0, await ops.AvailableAsync(b));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_ItemWithCurrencyMismatchAtIndexZero_Returns422WithIndexZero(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var a = await alice.CreateWalletAsync();
        var eur = await ops.CreateWalletAsync("EUR", ownerId: "bob");
        var b = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(a, 1_000);

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = new[] { Item(a, eur, 100), Item(a, b, 100) } });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        Assert.Equal(0, problem.GetProperty("index").GetInt32());
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
        Assert.Equal(0, await ops.AvailableAsync(b));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_LaterItemSpendsFundsArrivingFromAnEarlierItem_Succeeds(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var a = await alice.CreateWalletAsync();
        var b = await alice.CreateWalletAsync(); // alice's second wallet, empty
        var c = await ops.CreateWalletAsync(ownerId: "carol");
        await ops.DepositAsync(a, 100);

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = new[] { Item(a, b, 100), Item(b, c, 100) } });

        var body = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, body.GetProperty("transfers").GetArrayLength());
        Assert.Equal((0L, 0L, 0L), await alice.BalancesAsync(a));
        Assert.Equal((0L, 0L, 0L), await alice.BalancesAsync(b));
        Assert.Equal((100L, 0L, 100L), await ops.BalancesAsync(c));
        Assert.Equal(2, await server.CountTransfersAsync("transfer"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_ItemsInTheWrongOrderForTheirFunds_Returns422AndPersistsNothing(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var a = await alice.CreateWalletAsync();
        var b = await alice.CreateWalletAsync();
        var c = await ops.CreateWalletAsync(ownerId: "carol");
        await ops.DepositAsync(a, 100);

        // B→C first: the funds only arrive in item 1, so item 0 fails.
        var response = await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = new[] { Item(b, c, 100), Item(a, b, 100) } });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(0, problem.GetProperty("index").GetInt32());
        Assert.Equal(100, await alice.AvailableAsync(a));
        Assert.Equal(0, await alice.AvailableAsync(b));
        Assert.Equal(0, await ops.AvailableAsync(c));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_ExactlyOneThousandItems_Succeeds(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, a, b) = parties;

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = Enumerable.Range(0, 1_000).Select(_ => Item(a, b, 1)).ToArray() });

        var body = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1_000, body.GetProperty("transfers").GetArrayLength());
        Assert.Equal(0, await alice.AvailableAsync(a));
        Assert.Equal(1_000, await ops.AvailableAsync(b));
        Assert.Equal(1_000, await server.CountTransfersAsync("transfer"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_MoreThanOneThousandItems_Returns400AndPersistsNothing(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, _, _, a, b) = parties;

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = Enumerable.Range(0, 1_001).Select(_ => Item(a, b, 1)).ToArray() });

        await response.ExpectValidationErrorAsync("transfers");
        Assert.Equal(10_000, await alice.AvailableAsync(a));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_Empty_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");

        await (await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = Array.Empty<object>() })).ExpectValidationErrorAsync("transfers");
        await (await alice.PostRawAsync("/api/v1/transfers/batch", "{}")).ExpectValidationErrorAsync("transfers");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_InvalidItemField_Returns400NamingTheItemAndField(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, _, a, b) = parties;

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch",
            new { transfers = new[] { Item(a, b, 10), Item(a, b, 0), Item(a, a, 10, "usd") } });

        var errors = await response.ExpectValidationErrorAsync("transfers[1].amount");
        Assert.True(errors.TryGetProperty("transfers[2].toAccountId", out _));
        Assert.True(errors.TryGetProperty("transfers[2].currency", out _));
        Assert.False(errors.TryGetProperty("transfers[0].amount", out _));
        Assert.Equal(1_000, await alice.AvailableAsync(a));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_NullItem_Returns400NamingIt(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var a = await alice.CreateWalletAsync();
        var b = await alice.CreateWalletAsync();

        var response = await alice.PostRawAsync("/api/v1/transfers/batch",
            $$"""{"transfers":[{"fromAccountId":"{{a}}","toAccountId":"{{b}}","amount":1,"currency":"USD"},null]}""");

        await response.ExpectValidationErrorAsync("transfers[1]");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Batch_FromSomeoneElsesWallet_Returns422AndPersistsNothing(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, ops, alices, bobs) = parties;
        await ops.DepositAsync(bobs, 1_000);

        var response = await alice.PostJsonAsync("/api/v1/transfers/batch", new { transfers = new[] { Item(alices, bobs, 10), Item(bobs, alices, 900) } });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_found");
        Assert.Equal(1, problem.GetProperty("index").GetInt32());
        Assert.Equal(1_000, await alice.AvailableAsync(alices));
        Assert.Equal(1_000, await bob.AvailableAsync(bobs));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }
}
