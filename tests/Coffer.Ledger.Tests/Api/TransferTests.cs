using System.Net;
using System.Text.Json;
using Coffer.Ledger.Accounts;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class TransferTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_Valid_Returns201WithTheTransferShapeAndLocation(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 10_000);
        var (server, alice, _, ops, from, to) = parties;

        var response = await alice.PostJsonAsync("/api/v1/transfers", new
        {
            fromAccountId = from, toAccountId = to, amount = 1_050, currency = "USD",
            description = "Dinner", metadata = new Dictionary<string, string> { ["invoice"] = "INV-7" },
        });

        var transfer = await response.ExpectAsync(HttpStatusCode.Created);
        var id = transfer.Id();
        Assert.Equal($"/api/v1/transfers/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(from, transfer.GetProperty("fromAccountId").GetGuid());
        Assert.Equal(to, transfer.GetProperty("toAccountId").GetGuid());
        Assert.Equal(1_050, transfer.Long("amount"));
        Assert.Equal(JsonValueKind.Number, transfer.GetProperty("amount").ValueKind);
        Assert.Equal("USD", transfer.Str("currency"));
        Assert.Equal("transfer", transfer.Str("code"));
        Assert.Equal("posted", transfer.Str("status"));
        Assert.Equal("Dinner", transfer.Str("description"));
        Assert.Equal("INV-7", transfer.GetProperty("metadata").Str("invoice"));
        Assert.InRange(transfer.GetProperty("createdAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var fetched = await alice.GetOkAsync($"/api/v1/transfers/{id}");
        Assert.Equal(transfer.WithoutTimestamps(), fetched.WithoutTimestamps());
        Assert.Equal((8_950L, 0L, 8_950L), await alice.BalancesAsync(from));
        Assert.Equal((1_050L, 0L, 1_050L), await ops.BalancesAsync(to));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_MoreThanAvailable_Returns422InsufficientFundsAndMovesNothing(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, from, to) = parties;

        var response = await alice.PostTransferAsync(from, to, 1_001);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(from, problem.GetProperty("accountId").GetGuid());
        Assert.Equal((1_000L, 0L, 1_000L), await alice.BalancesAsync(from));
        Assert.Equal((0L, 0L, 0L), await ops.BalancesAsync(to));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_ExactlyTheAvailableBalance_Succeeds(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, from, to) = parties;

        await alice.TransferAsync(from, to, 1_000);

        Assert.Equal(0, await alice.AvailableAsync(from));
        Assert.Equal(1_000, await ops.AvailableAsync(to));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_ToWalletOfAnotherCurrency_Returns422CurrencyMismatch(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobCurrency: "EUR");
        var (server, alice, _, ops, usd, eur) = parties;

        var response = await alice.PostTransferAsync(usd, eur, 100);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        Assert.Equal("toAccountId", problem.Str("field"));
        Assert.Equal(1_000, await alice.AvailableAsync(usd));
        Assert.Equal(0, await ops.AvailableAsync(eur));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_InACurrencyTheSourceDoesNotHold_Returns422CurrencyMismatch(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobCurrency: "EUR");
        var (server, alice, _, _, usd, eur) = parties;

        var response = await alice.PostTransferAsync(usd, eur, 100, "EUR");

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        Assert.Equal("fromAccountId", problem.Str("field"));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_ToUnknownAccount_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var from = await alice.CreateWalletAsync();
        await ops.DepositAsync(from, 1_000);

        var response = await alice.PostTransferAsync(from, Guid.NewGuid(), 100);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("toAccountId", problem.Str("field"));
        Assert.Equal(1_000, await alice.AvailableAsync(from));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_FromUnknownAccount_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var to = await ops.CreateWalletAsync(ownerId: "bob");

        var response = await ops.PostTransferAsync(Guid.NewGuid(), to, 100);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("fromAccountId", problem.Str("field"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_FromSomeoneElsesWallet_Returns404AndMovesNothing(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var bob = server.Customer("bob");
        var ops = server.Operator();
        var alices = await alice.CreateWalletAsync();
        var bobs = await bob.CreateWalletAsync();
        await ops.DepositAsync(bobs, 1_000);

        var response = await alice.PostTransferAsync(bobs, alices, 500);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("fromAccountId", problem.Str("field"));
        Assert.Equal(1_000, await bob.AvailableAsync(bobs));
        Assert.Equal(0, await alice.AvailableAsync(alices));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_FromAnotherTenantsWallet_Returns404EvenForOperators(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var acmeOps = server.Operator();
        var globexOps = server.Operator("globex");
        var acmeWallet = await acmeOps.CreateWalletAsync(ownerId: "alice");
        var globexWallet = await globexOps.CreateWalletAsync(ownerId: "gina");
        await acmeOps.DepositAsync(acmeWallet, 1_000);

        var response = await globexOps.PostTransferAsync(acmeWallet, globexWallet, 100);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1_000, await acmeOps.AvailableAsync(acmeWallet));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_CustomerPaysIntoSystemAccount_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var wallet = await alice.CreateWalletAsync();
        await ops.DepositAsync(wallet, 1_000); // creates the tenant's USD clearing account
        var clearing = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);
        Assert.Equal("system", (await ops.AccountAsync(clearing)).Str("kind"));

        var response = await alice.PostTransferAsync(wallet, clearing, 100);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("toAccountId", problem.Str("field"));
        Assert.Equal(1_000, await alice.AvailableAsync(wallet));
        Assert.Equal(-1_000, await ops.AvailableAsync(clearing));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_OperatorMovingMoneyOutOfOrIntoASystemAccount_Returns422AndMovesNothing(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(wallet, 1_000);
        var clearing = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);

        var outOf = await (await ops.PostTransferAsync(clearing, wallet, 500))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        var into = await (await ops.PostTransferAsync(wallet, clearing, 500))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(("account_not_transferable", "fromAccountId"), (outOf.Code(), outOf.GetProperty("field").GetString()));
        Assert.Equal(("account_not_transferable", "toAccountId"), (into.Code(), into.GetProperty("field").GetString()));
        Assert.Equal(1_000, (await ops.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
        Assert.Equal(0, await LedgerAudit.CountTransfersAsync(server.Database, "transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_SameSourceAndDestination_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var ops = server.Operator();
        var wallet = await alice.CreateWalletAsync();
        await ops.DepositAsync(wallet, 1_000);

        var response = await alice.PostTransferAsync(wallet, wallet, 100);

        await response.ExpectValidationErrorAsync("toAccountId");
        Assert.Equal((1_000L, 0L, 1_000L), await alice.BalancesAsync(wallet));
        Assert.Equal(0, await server.CountTransfersAsync("transfer"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task GetTransfer_VisibleToBothPartiesAndOperators_NotToAThirdCustomerOrAnotherTenant(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, ops, alices, bobs) = parties;
        var carol = parties.Carol;
        var globexOps = server.Operator("globex");
        var globexAlice = server.Customer("alice", "globex");
        await carol.CreateWalletAsync();
        var transfer = await alice.TransferAsync(alices, bobs, 400);
        var url = $"/api/v1/transfers/{transfer.Id()}";

        var seenByPayer = await alice.GetOkAsync(url);
        var seenByPayee = await bob.GetOkAsync(url);
        var seenByOperator = await ops.GetOkAsync(url);

        Assert.Equal(transfer.WithoutTimestamps(), seenByPayer.WithoutTimestamps());
        Assert.Equal(seenByPayer.GetRawText(), seenByPayee.GetRawText());
        Assert.Equal(seenByPayer.GetRawText(), seenByOperator.GetRawText());
        await (await carol.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await globexOps.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await globexAlice.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await alice.GetAsync($"/api/v1/transfers/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_SequenceOfMovements_LeavesExactBalancesAndBalancedBooks(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, _, alices, bobs) = parties;

        await alice.TransferAsync(alices, bobs, 300);
        await bob.TransferAsync(bobs, alices, 120);
        await alice.TransferAsync(alices, bobs, 820);

        Assert.Equal(0, await alice.AvailableAsync(alices));
        Assert.Equal(1_000, await bob.AvailableAsync(bobs));
        Assert.Equal(3, await server.CountTransfersAsync("transfer"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Transfer_ReadBack_ReportsTheSameCreatedAtAsTheCreateResponse(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var from = await ops.CreateWalletAsync(ownerId: "alice");
        var to = await ops.CreateWalletAsync(ownerId: "bob");
        await ops.DepositAsync(from, 1_000);
        var created = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await ops.TransferAsync(from, to, 10));
        }

        // One resource, one timestamp: the 201 body (and its idempotent replays) must agree with every later read.
        foreach (var transfer in created)
        {
            var fetched = await ops.GetOkAsync($"/api/v1/transfers/{transfer.Id()}");
            Assert.Equal(transfer.GetProperty("createdAt").GetDateTimeOffset(), fetched.GetProperty("createdAt").GetDateTimeOffset());
        }
    }
}
