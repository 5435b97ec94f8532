using System.Net;
using System.Text;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Platform.Webhooks;
using Coffer.Testing;

namespace Coffer.Ledger.Tests.Api;

/// <summary>
/// The payment provider's deposit webhook: only a correctly signed, fresh, first delivery credits the wallet, and it
/// credits it once, through a job.
/// </summary>
public sealed class PaymentWebhookTests
{
    private const string Secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private const string RotatedOut = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Coffer:Webhooks:payments:Secrets:0"] = Secret,
        ["Coffer:Webhooks:payments:Secrets:1"] = RotatedOut,
        ["Coffer:Jobs:PollMilliseconds"] = "50",
    };

    private static HttpRequestMessage Signed(string body, string id, string secret = Secret, long? timestamp = null, string? bodySent = null)
    {
        var at = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/payments")
        {
            Content = new StringContent(bodySent ?? body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", at.ToString());
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(secret, id, at, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    private static string Deposit(Guid account, long amount, string reference, string tenant = RoleClients.DefaultTenant, string currency = "USD") =>
        JsonSerializer.Serialize(new { type = "deposit.succeeded", data = new { tenantId = tenant, accountId = account, amount, currency, reference } });

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SignedDeposit_CreditsOnce_AndReplaysAndRedeliveriesChangeNothing(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 100, settings: Settings);
        var (server, alice, _, ops, wallet, _) = parties;
        var anonymous = server.CreateClient();
        var body = Deposit(wallet, 2_500, "pay_123");

        var accepted = await (await anonymous.SendAsync(Signed(body, "msg_1"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        var jobId = accepted.GetProperty("jobId").GetGuid();
        var job = await ops.WaitForJobAsync(jobId, j => j.GetProperty("status").GetString() == "succeeded");
        Assert.False(job.GetProperty("result").GetProperty("duplicate").GetBoolean());
        Assert.Equal(2_600, (await alice.BalanceAsync(wallet)).GetProperty("posted").GetInt64());

        // The same delivery again (the provider retried, or an attacker replays it): 200, nothing happens.
        var replay = await (await anonymous.SendAsync(Signed(body, "msg_1"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("duplicate", replay.GetProperty("status").GetString());
        // The same payment under a new webhook id (a redelivery): the job finds the first deposit.
        var redelivered = await (await anonymous.SendAsync(Signed(body, "msg_2", RotatedOut))).ExpectAsync(HttpStatusCode.OK);
        var second = await ops.WaitForJobAsync(redelivered.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        Assert.True(second.GetProperty("result").GetProperty("duplicate").GetBoolean());
        Assert.Equal(job.GetProperty("result").GetProperty("transferId").GetGuid(), second.GetProperty("result").GetProperty("transferId").GetGuid());
        Assert.Equal(2_600, (await alice.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task BadSignature_StaleTimestamp_TamperedBody_OrNoHeaders_MoveNoMoney(DatabaseProvider provider)
    {
        await using var parties = await LedgerParties.StartAsync(provider, aliceFunds: 100, settings: Settings);
        var (server, alice, _, _, wallet, _) = parties;
        var anonymous = server.CreateClient();
        var body = Deposit(wallet, 2_500, "pay_evil");
        var attempts = new[]
        {
            Signed(body, "msg_a", secret: "whsec_" + Convert.ToBase64String(new byte[32])),          // another key
            Signed(body, "msg_b", timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()), // too old
            Signed(body, "msg_c", timestamp: DateTimeOffset.UtcNow.AddMinutes(6).ToUnixTimeSeconds()),  // from the future
            Signed(body, "msg_d", bodySent: Deposit(wallet, 250_000, "pay_evil")),                       // tampered amount
            new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/payments") { Content = new StringContent(body, Encoding.UTF8, "application/json") },
        };
        foreach (var attempt in attempts)
        {
            Assert.Equal("webhook_signature_invalid", (await (await anonymous.SendAsync(attempt)).ExpectAsync(HttpStatusCode.Unauthorized)).Code());
        }
        // A refused delivery leaves no receipt: the genuine one with a fresh signature still works.
        var genuine = await (await anonymous.SendAsync(Signed(body, "msg_d"))).ExpectAsync(HttpStatusCode.OK);
        await parties.Ops.WaitForJobAsync(genuine.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(2_600, (await alice.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
    }

    [Fact(Timeout = 60_000)]
    public async Task SignedButUnusable_Events_AreRefusedOrParked_NeverCredited()
    {
        await using var parties = await LedgerParties.StartAsync(DatabaseProvider.Sqlite, aliceFunds: 100, settings: Settings);
        var (server, alice, _, ops, wallet, _) = parties;
        var anonymous = server.CreateClient();

        // Another event type: acknowledged, ignored.
        var other = await (await anonymous.SendAsync(Signed("""{"type":"payout.paid","data":{}}""", "msg_x"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ignored", other.GetProperty("status").GetString());
        // A deposit event missing its amount: 400, listing the field.
        var incomplete = JsonSerializer.Serialize(new { type = "deposit.succeeded", data = new { tenantId = "acme", accountId = wallet, currency = "USD", reference = "r" } });
        var invalid = await (await anonymous.SendAsync(Signed(incomplete, "msg_y"))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("data.amount", out _));
        // A wallet that does not exist (or is another tenant's): the job goes dead for an operator; no money moves.
        var stranger = await (await anonymous.SendAsync(Signed(Deposit(wallet, 500, "pay_9", tenant: "globex"), "msg_z"))).ExpectAsync(HttpStatusCode.OK);
        var dead = await server.Operator("globex").WaitForJobAsync(stranger.GetProperty("jobId").GetGuid(), j => j.GetProperty("status").GetString() == "dead");
        Assert.StartsWith("not_found", dead.GetProperty("lastError").GetString());
        Assert.Equal(100, (await alice.BalanceAsync(wallet)).GetProperty("posted").GetInt64());
        await (await ops.GetAsync($"/api/v1/jobs/{stranger.GetProperty("jobId").GetGuid()}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact(Timeout = 60_000)]
    public async Task WithoutSecrets_TheEndpointRefusesEverything()
    {
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite);
        var response = await server.CreateClient().SendAsync(Signed(Deposit(Guid.NewGuid(), 1, "r"), "msg_1"));
        Assert.Equal("webhooks_not_configured", (await response.ExpectAsync(HttpStatusCode.ServiceUnavailable)).Code());
    }
}
