using System.Net;
using System.Text.Json;
using Coffer.Ledger.Accounts;
using Coffer.Ledger.Holds;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Coffer.Ledger.Tests.Integrity;

/// <summary>
/// Random sequences of deposits, transfers, holds, captures, voids, expiries, reversals and replays,
/// each checked against an independent model; afterwards every stored balance is re-derived from the
/// transfers and every wallet compared with the model.
/// </summary>
public sealed class ConservationPropertyTests(ITestOutputHelper output)
{
    private const int Operations = 250;

    [Theory(Timeout = 240_000)]
    [InlineData(DatabaseProvider.Sqlite, 1)]
    [InlineData(DatabaseProvider.Sqlite, 2)]
    [InlineData(DatabaseProvider.Sqlite, 3)]
    [InlineData(DatabaseProvider.Postgres, 1)]
    [InlineData(DatabaseProvider.Postgres, 2)]
    [InlineData(DatabaseProvider.Postgres, 3)]
    public async Task RandomOperations_AgreeWithTheModel_AndTheBooksBalance(DatabaseProvider provider, int seed)
    {
        // The background sweeper is parked; expiries happen when the test says so.
        await using var server = await CofferTestServer.StartAsync(provider,
            new Dictionary<string, string?> { ["Coffer:Ledger:HoldSweepIntervalSeconds"] = "3600" });
        var run = new Run(server, new Random(seed), output);
        await run.SetUpAsync();
        for (var i = 0; i < Operations; i++)
        {
            await run.StepAsync(i);
        }
        await run.ExpireShortHoldsAsync();

        await run.AssertMatchesModelAsync();
        Assert.Empty(await LedgerAudit.CheckAsync(server.Database));
    }

    private sealed class Run(CofferTestServer server, Random random, ITestOutputHelper output)
    {
        private readonly LedgerOracle _model = new();
        private readonly List<(string Url, object Body, string Key, HttpStatusCode Status, string Response)> _sent = [];
        private HttpClient _ops = null!;
        private readonly Dictionary<string, HttpClient> _customers = [];
        private List<Guid> _wallets = [];

        public async Task SetUpAsync()
        {
            _ops = server.Operator();
            foreach (var owner in new[] { "alice", "bob", "carol" })
            {
                _customers[owner] = server.Customer(owner);
                foreach (var currency in new[] { "USD", "USD", "EUR" })
                {
                    var id = await _customers[owner].CreateWalletAsync(currency);
                    _model.Accounts[id] = new LedgerOracle.Account(id, currency, owner, allowNegative: false);
                }
            }
            foreach (var currency in new[] { "USD", "EUR" })
            {
                var clearing = SystemAccounts.IdOf("acme", currency, SystemAccounts.ExternalClearing);
                _model.Accounts[clearing] = new LedgerOracle.Account(clearing, currency, null, allowNegative: true);
            }
            _wallets = _model.Accounts.Values.Where(a => a.Owner is not null).Select(a => a.Id).ToList();
        }

        public Task StepAsync(int step) => random.Next(100) switch
        {
            < 15 => DepositAsync(),
            < 50 => TransferAsync(),
            < 62 => CreateHoldAsync(),
            < 72 => ResolveHoldAsync(),
            < 82 => ReverseAsync(),
            _ => ReplayAsync(step),
        };

        private async Task DepositAsync()
        {
            var wallet = _model.Accounts[Pick(_wallets)];
            var amount = random.Next(1, 5_000);
            var json = await SendAsync(_ops, "/api/v1/deposits",
                new { accountId = wallet.Id, amount, currency = wallet.Currency, externalReference = $"ref-{Guid.NewGuid():N}" }, HttpStatusCode.Created);
            var clearing = SystemAccounts.IdOf("acme", wallet.Currency, SystemAccounts.ExternalClearing);
            _model.Post(clearing, wallet.Id, amount);
            _model.Movements.Add(new LedgerOracle.Movement(json.GetProperty("id").GetGuid(), clearing, wallet.Id, amount, false));
        }

        private async Task TransferAsync()
        {
            var (from, to) = PickPair();
            var amount = random.Next(1, 3_000);
            var client = random.Next(2) == 0 ? _ops : _customers[from.Owner!];
            var expected = from.Currency != to.Currency ? "currency_mismatch"
                : !_model.CanDebit(from.Id, amount) ? "insufficient_funds" : null;
            var json = await SendAsync(client, "/api/v1/transfers",
                new { fromAccountId = from.Id, toAccountId = to.Id, amount, currency = from.Currency },
                expected is null ? HttpStatusCode.Created : HttpStatusCode.UnprocessableEntity, expected);
            if (expected is null)
            {
                _model.Post(from.Id, to.Id, amount);
                _model.Movements.Add(new LedgerOracle.Movement(json.GetProperty("id").GetGuid(), from.Id, to.Id, amount, false));
            }
        }

        private async Task CreateHoldAsync()
        {
            var (from, to) = PickPair(sameCurrency: true);
            var amount = random.Next(1, 2_000);
            var shortLived = random.Next(4) == 0;
            var expected = _model.CanDebit(from.Id, amount) ? null : "insufficient_funds";
            var json = await SendAsync(_customers[from.Owner!], "/api/v1/holds",
                new { fromAccountId = from.Id, toAccountId = to.Id, amount, currency = from.Currency, expiresInSeconds = shortLived ? 1 : 3600 },
                expected is null ? HttpStatusCode.Created : HttpStatusCode.UnprocessableEntity, expected);
            if (expected is null)
            {
                _model.Reserve(new LedgerOracle.Hold(json.GetProperty("id").GetGuid(), from.Id, to.Id, amount, shortLived));
            }
        }

        private async Task ResolveHoldAsync()
        {
            var candidates = _model.Holds.Where(h => !h.ShortLived).ToList();
            if (candidates.Count == 0)
            {
                await CreateHoldAsync();
                return;
            }
            var hold = Pick(candidates);
            var capture = random.Next(2) == 0;
            long? amount = capture && random.Next(2) == 0 ? random.Next(1, (int)hold.Amount + 1) : null;
            var url = $"/api/v1/holds/{hold.Id}/{(capture ? "capture" : "void")}";
            var expected = hold.Status == "pending" ? null : "hold_not_pending";
            var json = await SendAsync(_ops, url, capture ? new { amount } : null,
                expected is null ? HttpStatusCode.OK : HttpStatusCode.UnprocessableEntity, expected);
            if (expected is null)
            {
                var captured = capture ? amount ?? hold.Amount : 0;
                _model.Resolve(hold, capture ? "captured" : "voided", captured);
                Assert.Equal(hold.Status, json.GetProperty("status").GetString());
                if (capture)
                {
                    _model.Movements.Add(new LedgerOracle.Movement(
                        json.GetProperty("resolutionTransferId").GetGuid(), hold.From, hold.To, captured, false));
                }
            }
        }

        private async Task ReverseAsync()
        {
            if (_model.Movements.Count == 0)
            {
                await DepositAsync();
                return;
            }
            var original = Pick(_model.Movements);
            var expected = original.IsReversal ? "not_reversible"
                : original.Reversed ? "already_reversed"
                : !_model.CanDebit(original.To, original.Amount) ? "insufficient_funds" : null;
            var json = await SendAsync(_ops, $"/api/v1/transfers/{original.Id}/reversal", new { reason = "property test" },
                expected is null ? HttpStatusCode.Created : HttpStatusCode.UnprocessableEntity, expected);
            if (expected is null)
            {
                original.Reversed = true;
                _model.Post(original.To, original.From, original.Amount);
                _model.Movements.Add(new LedgerOracle.Movement(json.GetProperty("id").GetGuid(), original.To, original.From, original.Amount, true));
            }
        }

        /// <summary>A retry of an earlier request with its key: the stored answer, byte for byte, and no new effect.</summary>
        private async Task ReplayAsync(int step)
        {
            if (_sent.Count == 0)
            {
                await TransferAsync();
                return;
            }
            var (url, body, key, status, response) = Pick(_sent);
            var client = url.Contains("/deposits", StringComparison.Ordinal) || url.Contains("/reversal", StringComparison.Ordinal)
                || url.Contains("/capture", StringComparison.Ordinal) || url.Contains("/void", StringComparison.Ordinal)
                ? _ops : null;
            if (client is null)
            {
                return; // customer requests are replayed by their own subject only; keep the replay set to operator calls
            }
            var replay = await client.PostJsonAsync(url, body, key);
            Assert.True(status == replay.StatusCode, $"step {step}: replay of {url} answered {replay.StatusCode}, first {status}");
            Assert.Equal(response, await replay.Content.ReadAsStringAsync());
            Assert.Equal("true", Assert.Single(replay.Headers.GetValues("Idempotent-Replayed")));
        }

        public async Task ExpireShortHoldsAsync()
        {
            var shortHolds = _model.Holds.Where(h => h.ShortLived).ToList();
            if (shortHolds.Count == 0)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            var sweeper = server.Services.GetRequiredService<HoldExpirySweeper>();
            while (await sweeper.SweepOnceAsync(CancellationToken.None) > 0)
            {
            }
            foreach (var hold in shortHolds)
            {
                _model.Resolve(hold, "expired", 0);
                var json = await (await _ops.GetAsync($"/api/v1/holds/{hold.Id}")).ExpectAsync(HttpStatusCode.OK);
                Assert.Equal("expired", json.GetProperty("status").GetString());
            }
        }

        public async Task AssertMatchesModelAsync()
        {
            foreach (var account in _model.Accounts.Values.Where(a => a.Owner is not null))
            {
                var balance = await _ops.BalanceAsync(account.Id);
                Assert.Equal(account.Posted, balance.GetProperty("posted").GetInt64());
                Assert.Equal(account.PendingCredits - account.PendingDebits, balance.GetProperty("pending").GetInt64());
                Assert.Equal(account.Available, balance.GetProperty("available").GetInt64());
            }
            output.WriteLine($"{_sent.Count} requests, {_model.Movements.Count} movements, {_model.Holds.Count} holds");
        }

        private async Task<JsonElement> SendAsync(HttpClient client, string url, object? body, HttpStatusCode status, string? code = null)
        {
            var key = Guid.NewGuid().ToString();
            var response = await client.PostJsonAsync(url, body, key);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{url} {JsonSerializer.Serialize(body)}: expected {status} {code}, got {response.StatusCode} {text}");
            var json = JsonDocument.Parse(text).RootElement.Clone();
            if (code is not null)
            {
                Assert.Equal(code, json.Code());
            }
            _sent.Add((url, body!, key, response.StatusCode, text));
            return json;
        }

        private (LedgerOracle.Account From, LedgerOracle.Account To) PickPair(bool sameCurrency = false)
        {
            var from = _model.Accounts[Pick(_wallets)];
            var others = _wallets.Where(w => w != from.Id && (!sameCurrency || _model.Accounts[w].Currency == from.Currency)).ToList();
            return (from, _model.Accounts[Pick(others)]);
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
    }
}
