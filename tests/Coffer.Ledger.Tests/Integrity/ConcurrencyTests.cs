using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Xunit.Abstractions;

namespace Coffer.Ledger.Tests.Integrity;

/// <summary>Many clients at once through HTTP; afterwards the invariants are re-derived from the transfers.</summary>
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    private const int Clients = 64;
    private const int Wallets = 10;
    private const long InitialBalance = 10_000;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(6);

    [Theory(Timeout = 180_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SixtyFourClientsAmongTenWallets_NoWalletNegative_EveryCreatedPersisted_NoServerError(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallets = new List<Guid>();
        for (var i = 0; i < Wallets; i++)
        {
            var wallet = await ops.CreateWalletAsync(ownerId: $"user-{i}");
            await ops.DepositAsync(wallet, InitialBalance);
            wallets.Add(wallet);
        }
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var deadline = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            var http = server.Operator();
            while (deadline.Elapsed < Duration)
            {
                var from = wallets[random.Next(Wallets)];
                var to = wallets[(wallets.IndexOf(from) + 1 + random.Next(Wallets - 1)) % Wallets];
                var response = await http.PostJsonAsync("/api/v1/transfers",
                    new { fromAccountId = from, toAccountId = to, amount = random.Next(1, 2_500), currency = "USD" });
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            }
        })));

        output.WriteLine(string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}")));
        Assert.All(statuses.Keys, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity, $"a client saw {s}"));
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Created) > Clients, "the workload should post many transfers");
        Assert.Equal(statuses.GetValueOrDefault(HttpStatusCode.Created), await LedgerAudit.CountTransfersAsync(server.Database, "transfer"));
        var total = 0L;
        foreach (var wallet in wallets)
        {
            var balance = await ops.BalanceAsync(wallet);
            Assert.True(balance.GetProperty("available").GetInt64() >= 0);
            total += balance.GetProperty("posted").GetInt64();
        }
        Assert.Equal(Wallets * InitialBalance, total);
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ConcurrentCapturesAndVoidsOfOneHold_ResolveItExactlyOnce(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var payer = await ops.CreateWalletAsync(ownerId: "payer");
        var payee = await ops.CreateWalletAsync(ownerId: "payee");
        await ops.DepositAsync(payer, 1_000);
        var hold = (await (await ops.PostHoldAsync(payer, payee, 600, expiresInSeconds: 600))
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            ops.PostJsonAsync($"/api/v1/holds/{hold}/{(i % 2 == 0 ? "capture" : "void")}", new { })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        var payerBalance = await ops.BalanceAsync(payer);
        Assert.Equal(0, payerBalance.GetProperty("pending").GetInt64());
        Assert.Contains(payerBalance.GetProperty("posted").GetInt64(), new long[] { 400, 1_000 });
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ConcurrentReversalsOfOneTransfer_ReverseItExactlyOnce(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "someone");
        var deposit = await ops.DepositAsync(wallet, 1_000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            ops.PostJsonAsync($"/api/v1/transfers/{deposit}/reversal", new { reason = "race" })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var rejected in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("already_reversed", (await rejected.ExpectAsync(HttpStatusCode.UnprocessableEntity)).Code());
        }
        Assert.Equal(0, (await ops.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ConcurrentDepositsWithOneExternalReference_CreditOnce(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider);
        var ops = server.Operator();
        var wallet = await ops.CreateWalletAsync(ownerId: "someone");

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            ops.PostDepositAsync(wallet, 250, "USD", "wire-42")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var rejected in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            Assert.Equal("duplicate_external_reference", (await rejected.ExpectAsync(HttpStatusCode.Conflict)).Code());
        }
        Assert.Equal(250, (await ops.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }
}
