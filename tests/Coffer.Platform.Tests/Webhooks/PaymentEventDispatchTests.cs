using System.Net;
using System.Text;
using System.Text.Json;
using Coffer.Platform.Persistence;
using Coffer.Platform.Webhooks;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Tests.Webhooks;

/// <summary>
/// The payment webhook dispatches by event type to the module that registered it: the handler's validation decides 400 or
/// acceptance, its tenant scopes the job, the receipt stops replays, and a type nobody handles is acknowledged and ignored.
/// </summary>
public sealed class PaymentEventDispatchTests
{
    private const string Secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private const string Tenant = "globex";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Coffer:Webhooks:payments:Secrets:0"] = Secret,
        ["Coffer:Role"] = "api", // no workers: the test reads the jobs as enqueued
    };

    private static void SampleModule(IServiceCollection services)
    {
        ScriptedJobs.Register(services);
        services.AddPaymentEventHandler<SamplePaymentEvent>();
    }

    private static HttpRequestMessage Signed(object payload, string id)
    {
        var body = JsonSerializer.Serialize(payload);
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/payments")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", at.ToString());
        request.Headers.Add("webhook-signature", StandardWebhookVerifier.Sign(Secret, id, at, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task HandledEvent_IsAcceptedOnce_AsTheHandlersJobInTheHandlersTenant(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, Settings, SampleModule);
        var sender = server.CreateClient();
        var sample = new { type = SamplePaymentEvent.Type, data = new { tenantId = Tenant, note = "hello" } };

        var accepted = await (await sender.SendAsync(Signed(sample, "msg_1"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        var jobId = accepted.GetProperty("jobId").GetGuid();
        Assert.Equal([(jobId, Tenant, "hello (msg_1)")], await JobsAsync(server));
        // Visible to the event's tenant only: the job was enqueued in its scope.
        await (await server.Operator(Tenant).GetAsync($"/api/v1/jobs/{jobId}")).ExpectAsync(HttpStatusCode.OK);
        await (await server.Operator().GetAsync($"/api/v1/jobs/{jobId}")).ExpectAsync(HttpStatusCode.NotFound);

        var replay = await (await sender.SendAsync(Signed(sample, "msg_1"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("duplicate", replay.GetProperty("status").GetString());
        Assert.False(replay.TryGetProperty("jobId", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Single(await JobsAsync(server));
        Assert.Equal(["msg_1"], await ReceiptsAsync(server));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task InvalidData_Is400WithTheHandlersErrors_AndLeavesNoReceipt_SoTheCorrectedResendIsAccepted(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, Settings, SampleModule);
        var client = server.CreateClient();

        var invalid = await (await client.SendAsync(Signed(new { type = SamplePaymentEvent.Type, data = new { tenantId = Tenant } }, "msg_1")))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", invalid.Code());
        Assert.Equal(["data.note"], invalid.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        var absent = await (await client.SendAsync(Signed(new { type = SamplePaymentEvent.Type }, "msg_2"))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["data.note", "data.tenantId"], absent.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Empty(await ReceiptsAsync(server));
        Assert.Empty(await JobsAsync(server));

        var fixedUp = new { type = SamplePaymentEvent.Type, data = new { tenantId = Tenant, note = "fixed" } };
        var accepted = await (await client.SendAsync(Signed(fixedUp, "msg_1"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.Equal([(accepted.GetProperty("jobId").GetGuid(), Tenant, "fixed (msg_1)")], await JobsAsync(server));
    }

    [Fact(Timeout = 60_000)]
    public async Task UnhandledType_IsIgnored_WithAReceiptAndNoJob_AndAnEventWithoutAType_Is400()
    {
        await using var server = await CofferTestServer.StartAsync(DatabaseProvider.Sqlite, Settings, SampleModule);
        var client = server.CreateClient();

        var ignored = await (await client.SendAsync(Signed(new { type = "sample.unknown", data = new { tenantId = Tenant } }, "msg_1")))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ignored", ignored.GetProperty("status").GetString());
        var again = await (await client.SendAsync(Signed(new { type = "sample.unknown" }, "msg_1"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("duplicate", again.GetProperty("status").GetString());
        Assert.Equal(["msg_1"], await ReceiptsAsync(server));
        Assert.Empty(await JobsAsync(server));

        var untyped = await (await client.SendAsync(Signed(new { data = new { tenantId = Tenant, note = "x" } }, "msg_2"))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.True(untyped.GetProperty("errors").TryGetProperty("type", out _));
        Assert.Equal(["msg_1"], await ReceiptsAsync(server));
    }

    private static async Task<List<(Guid Id, string Tenant, string? Note)>> JobsAsync(CofferTestServer server) =>
        await QueryAsync(server, SqlStatement.Of("SELECT id, tenant_id, payload FROM jobs WHERE type = 'test.scripted' ORDER BY created_at"),
            r => (Guid.Parse(r.GetValue(0).ToString()!), r.GetString(1),
                JsonDocument.Parse(r.GetString(2)).RootElement.GetProperty("note").GetString()));

    private static Task<List<string>> ReceiptsAsync(CofferTestServer server) =>
        QueryAsync(server, SqlStatement.Of("SELECT webhook_id FROM webhook_receipts WHERE source = 'payments' ORDER BY webhook_id"), r => r.GetString(0));

    private static async Task<List<T>> QueryAsync<T>(CofferTestServer server, SqlStatement query, Func<System.Data.Common.DbDataReader, T> map)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = DbSession.AllTenants;
        return await session.QueryAsync(query, map, CancellationToken.None);
    }
}
