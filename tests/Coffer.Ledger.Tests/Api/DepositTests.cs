using System.Net;
using Coffer.Ledger.Accounts;
using Coffer.Platform.Persistence;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

public sealed class DepositTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite, "operator")]
    [InlineData(DatabaseProvider.Sqlite, "service")]
    [InlineData(DatabaseProvider.Postgres, "operator")]
    [InlineData(DatabaseProvider.Postgres, "service")]
    public async Task Deposit_ByOperatorOrService_CreditsTheWalletFromExternalClearing(DatabaseProvider provider, string role)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var depositor = server.ClientFor("rail", "acme", role);
        var wallet = await alice.CreateWalletAsync();

        var response = await depositor.PostJsonAsync("/api/v1/deposits",
            new { accountId = wallet, amount = 2_500, currency = "USD", externalReference = "ach-001", description = "Payroll" });

        var deposit = await response.ExpectAsync(HttpStatusCode.Created);
        var clearing = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);
        Assert.Equal($"/api/v1/transfers/{deposit.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal(clearing, deposit.GetProperty("fromAccountId").GetGuid());
        Assert.Equal(wallet, deposit.GetProperty("toAccountId").GetGuid());
        Assert.Equal(2_500, deposit.Long("amount"));
        Assert.Equal("USD", deposit.Str("currency"));
        Assert.Equal("deposit", deposit.Str("code"));
        Assert.Equal("posted", deposit.Str("status"));
        Assert.Equal("ach-001", deposit.Str("externalReference"));
        Assert.Equal((2_500L, 0L, 2_500L), await alice.BalancesAsync(wallet));
        var clearingAccount = await depositor.AccountAsync(clearing);
        Assert.Equal("system", clearingAccount.Str("kind"));
        Assert.Equal(-2_500, clearingAccount.GetProperty("balance").Long("posted"));
        Assert.Equal(deposit.WithoutTimestamps(), (await alice.GetOkAsync($"/api/v1/transfers/{deposit.Id()}")).WithoutTimestamps());
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_ByCustomer_Returns403AndCreditsNothing(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var alice = server.Customer("alice");
        var wallet = await alice.CreateWalletAsync();

        var response = await alice.PostDepositAsync(wallet, 1_000_000, "USD", "free-money");

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, await alice.AvailableAsync(wallet));
        Assert.Equal(0, await server.CountTransfersAsync("deposit"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_DuplicateExternalReferenceWithANewKey_Returns409NamingTheExistingTransfer(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "alice");
        var first = await (await ops.PostDepositAsync(wallet, 700, "USD", "wire-42"))
            .ExpectAsync(HttpStatusCode.Created);

        var response = await ops.PostDepositAsync(wallet, 700, "USD", "wire-42", idempotencyKey: Guid.NewGuid().ToString());

        var problem = await response.ExpectProblemAsync(HttpStatusCode.Conflict, "duplicate_external_reference");
        Assert.Equal(first.Id(), problem.GetProperty("existingTransferId").GetGuid());
        Assert.Equal(700, await ops.AvailableAsync(wallet));
        Assert.Equal(1, await server.CountTransfersAsync("deposit"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_SameExternalReferenceIntoAnotherWalletAndCurrency_Returns409(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var usd = await ops.CreateWalletAsync("USD", ownerId: "alice");
        var eur = await ops.CreateWalletAsync("EUR", ownerId: "bob");
        await (await ops.PostDepositAsync(usd, 100, "USD", "ref-1"))
            .ExpectAsync(HttpStatusCode.Created);

        var response = await ops.PostDepositAsync(eur, 100, "EUR", "ref-1");

        await response.ExpectProblemAsync(HttpStatusCode.Conflict, "duplicate_external_reference");
        Assert.Equal(0, await ops.AvailableAsync(eur));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_SameExternalReferenceInAnotherTenant_IsAllowed(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var acmeOps = server.Operator();
        var globexOps = server.Operator("globex");
        var acmeWallet = await acmeOps.CreateWalletAsync(ownerId: "alice");
        var globexWallet = await globexOps.CreateWalletAsync(ownerId: "gina");
        await (await acmeOps.PostDepositAsync(acmeWallet, 100, "USD", "shared"))
            .ExpectAsync(HttpStatusCode.Created);

        var response = await globexOps.PostDepositAsync(globexWallet, 200, "USD", "shared");

        await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(100, await acmeOps.AvailableAsync(acmeWallet));
        Assert.Equal(200, await globexOps.AvailableAsync(globexWallet));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_InAnotherCurrencyThanTheWallet_Returns422CurrencyMismatch(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync("USD", ownerId: "alice");

        var response = await ops.PostDepositAsync(wallet, 100, "EUR", "eur-1");

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "currency_mismatch");
        Assert.Equal("accountId", problem.Str("field"));
        Assert.Equal(0, await ops.AvailableAsync(wallet));
        Assert.Equal(0, await server.CountTransfersAsync("deposit"));
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_ToAnotherTenantsWallet_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var acmeOps = server.Operator();
        var globexOps = server.Operator("globex");
        var acmeWallet = await acmeOps.CreateWalletAsync(ownerId: "alice");

        var response = await globexOps.PostDepositAsync(acmeWallet, 100, "USD", "x-1");

        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await acmeOps.AvailableAsync(acmeWallet));
        Assert.Equal(0, await server.CountTransfersAsync("deposit"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_ToUnknownOrSystemAccount_Returns404(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "alice");
        await ops.DepositAsync(wallet, 10);
        var clearing = SystemAccounts.IdOf("acme", "USD", SystemAccounts.ExternalClearing);

        await (await ops.PostDepositAsync(Guid.NewGuid(), 100, "USD", "u-1"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ops.PostDepositAsync(clearing, 100, "USD", "u-2"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await server.CountTransfersAsync("deposit"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deposit_MissingExternalReference_Returns400(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "alice");

        await (await ops.PostJsonAsync("/api/v1/deposits", new { accountId = wallet, amount = 100, currency = "USD" }))
            .ExpectValidationErrorAsync("externalReference");
        await (await ops.PostDepositAsync(wallet, 100, "USD", "  "))
            .ExpectValidationErrorAsync("externalReference");
        Assert.Equal(0, await server.CountTransfersAsync("deposit"));
    }
}
