using System.Net;
using Coffer.Ledger.Accounts;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class ReversalTests
{
    private static Task<HttpResponseMessage> ReverseAsync(HttpClient client, Guid transferId, string? reason = "Customer complaint") =>
        client.PostJsonAsync($"/api/v1/transfers/{transferId}/reversal", new { reason });

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_ByOperator_MovesTheMoneyBack(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, ops, alices, bobs) = parties;
        var original = await alice.TransferAsync(alices, bobs, 300);

        var response = await ReverseAsync(ops, original.Id(), "Sent to the wrong person");

        var reversal = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/transfers/{reversal.Id()}", response.Headers.Location?.OriginalString);
        Assert.NotEqual(original.Id(), reversal.Id());
        Assert.Equal(bobs, reversal.GetProperty("fromAccountId").GetGuid());
        Assert.Equal(alices, reversal.GetProperty("toAccountId").GetGuid());
        Assert.Equal(300, reversal.Long("amount"));
        Assert.Equal("USD", reversal.Str("currency"));
        Assert.Equal("reversal", reversal.Str("code"));
        Assert.Equal("posted", reversal.Str("status"));
        Assert.Equal(original.Id(), reversal.GetProperty("reversalOf").GetGuid());
        Assert.Equal("Sent to the wrong person", reversal.Str("description"));
        Assert.Equal((1_000L, 0L, 1_000L), await alice.BalancesAsync(alices));
        Assert.Equal((0L, 0L, 0L), await bob.BalancesAsync(bobs));
        Assert.Equal(reversal.WithoutTimestamps(), (await alice.GetOkAsync($"/api/v1/transfers/{reversal.Id()}")).WithoutTimestamps());
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "customer")]
    [InlineData(DatabaseProvider.Sqlite, "service")]
    [InlineData(DatabaseProvider.Postgres, "customer")]
    [InlineData(DatabaseProvider.Postgres, "service")]
    public async Task Reversal_ByNonOperator_Returns403AndMovesNothing(DatabaseProvider provider, string role)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, _, alices, bobs) = parties;
        var caller = server.ClientFor("alice", "acme", role);
        var original = await alice.TransferAsync(alices, bobs, 300);

        await (await ReverseAsync(caller, original.Id())).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(700, await alice.AvailableAsync(alices));
        Assert.Equal(0, await server.CountTransfersAsync("reversal"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_Twice_Returns422AlreadyReversedNamingTheFirstReversal(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, alices, bobs) = parties;
        await ops.DepositAsync(bobs, 1_000); // bob could afford a second reversal: only the rule stops it
        var original = await alice.TransferAsync(alices, bobs, 300);
        var first = await (await ReverseAsync(ops, original.Id())).ExpectAsync(HttpStatusCode.Created);

        var response = await ReverseAsync(ops, original.Id(), "Again");

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "already_reversed");
        Assert.Equal(first.Id(), problem.GetProperty("reversalId").GetGuid());
        Assert.Equal(1_000, await alice.AvailableAsync(alices));
        Assert.Equal(1_000, await ops.AvailableAsync(bobs));
        Assert.Equal(1, await server.CountTransfersAsync("reversal"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_OfAReversal_Returns422NotReversible(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, alices, bobs) = parties;
        var original = await alice.TransferAsync(alices, bobs, 300);
        var reversal = await (await ReverseAsync(ops, original.Id())).ExpectAsync(HttpStatusCode.Created);

        var response = await ReverseAsync(ops, reversal.Id());

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_reversible");
        Assert.Equal(1_000, await alice.AvailableAsync(alices));
        Assert.Equal(0, await ops.AvailableAsync(bobs));
        Assert.Equal(1, await server.CountTransfersAsync("reversal"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_WhenTheRecipientAlreadySpentTheMoney_Returns422InsufficientFunds(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, ops, alices, bobs) = parties;
        var carols = await ops.CreateWalletAsync(ownerId: "carol");
        var original = await alice.TransferAsync(alices, bobs, 300);
        await bob.TransferAsync(bobs, carols, 250);

        var response = await ReverseAsync(ops, original.Id());

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        Assert.Equal(bobs, problem.GetProperty("accountId").GetGuid());
        Assert.Equal(700, await alice.AvailableAsync(alices));
        Assert.Equal(50, await bob.AvailableAsync(bobs));
        Assert.Equal(250, await ops.AvailableAsync(carols));
        Assert.Equal(0, await server.CountTransfersAsync("reversal"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_WithoutReason_Returns400AndMovesNothing(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, alices, bobs) = parties;
        var original = await alice.TransferAsync(alices, bobs, 300);

        await (await ReverseAsync(ops, original.Id(), reason: null)).ExpectValidationErrorAsync("reason");
        await (await ReverseAsync(ops, original.Id(), reason: "")).ExpectValidationErrorAsync("reason");
        await (await ops.PostRawAsync($"/api/v1/transfers/{original.Id()}/reversal", "{}")).ExpectValidationErrorAsync("reason");

        Assert.Equal(700, await alice.AvailableAsync(alices));
        Assert.Equal(0, await server.CountTransfersAsync("reversal"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_OfUnknownOrOtherTenantsTransfer_Returns404(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, alices, bobs) = parties;
        var globexOps = server.Operator("globex");
        var original = await alice.TransferAsync(alices, bobs, 300);

        await (await ReverseAsync(ops, Guid.NewGuid())).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ReverseAsync(globexOps, original.Id())).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(300, await ops.AvailableAsync(bobs));
        Assert.Equal(0, await server.CountTransfersAsync("reversal"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_OfADeposit_ReturnsTheMoneyToExternalClearing(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "alice");
        var deposit = await ops.DepositAsync(wallet, 800);
        var clearing = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);

        var reversal = await (await ReverseAsync(ops, deposit, "Chargeback")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(wallet, reversal.GetProperty("fromAccountId").GetGuid());
        Assert.Equal(clearing, reversal.GetProperty("toAccountId").GetGuid());
        Assert.Equal((0L, 0L, 0L), await ops.BalancesAsync(wallet));
        Assert.Equal(0, (await ops.BalancesAsync(clearing)).Posted);
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_OfAHoldCapture_ReturnsTheCapturedAmount(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000, bobOpensOwnWallet: true);
        var (server, alice, bob, ops, alices, bobs) = parties;
        var hold = await alice.HoldAsync(alices, bobs, 400);
        var captured = await (await bob.PostJsonAsync($"/api/v1/holds/{hold.Id()}/capture", new { amount = 150 })).ExpectAsync(HttpStatusCode.OK);

        var reversal = await (await ReverseAsync(ops, captured.GetProperty("resolutionTransferId").GetGuid())).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(150, reversal.Long("amount"));
        Assert.Equal(1_000, await alice.AvailableAsync(alices));
        Assert.Equal(0, await bob.AvailableAsync(bobs));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Reversal_OfAPendingHold_Returns422NotReversible(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 1_000);
        var (server, alice, _, ops, alices, bobs) = parties;
        var hold = await alice.HoldAsync(alices, bobs, 400); // a hold's id is its pending transfer's id

        await (await ReverseAsync(ops, hold.Id())).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "not_reversible");

        Assert.Equal((1_000L, -400L, 600L), await alice.BalancesAsync(alices));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }
}
