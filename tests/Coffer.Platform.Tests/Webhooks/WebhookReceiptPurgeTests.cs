using Coffer.Platform.Persistence;
using Coffer.Platform.Webhooks;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Tests.Webhooks;

public sealed class WebhookReceiptPurgeTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Receipts_AreForgottenAfterTheirRetention_AndNotBefore(DatabaseProvider provider)
    {
        await using var server = await CofferTestServer.StartAsync(provider, new Dictionary<string, string?> { ["Coffer:Role"] = "api" });
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var session = scope.ServiceProvider.GetRequiredService<DbSession>();
            session.TenantScope = DbSession.AllTenants;
            await session.BeginAsync(CancellationToken.None);
            await session.CommitAsync([
                WebhookReceipt.Record("payments", "old", DateTimeOffset.UtcNow.AddDays(-31)),
                WebhookReceipt.Record("payments", "recent", DateTimeOffset.UtcNow.AddDays(-29)),
            ], CancellationToken.None);
        }
        var purge = ActivatorUtilities.CreateInstance<WebhookReceiptPurge>(server.Services);
        Assert.Equal(1, await purge.PurgeAsync(CancellationToken.None));
        Assert.Equal(0, await purge.PurgeAsync(CancellationToken.None));
        await using var check = server.Services.CreateAsyncScope();
        var reader = check.ServiceProvider.GetRequiredService<DbSession>();
        reader.TenantScope = DbSession.AllTenants;
        var left = await reader.QueryAsync(SqlStatement.Of("SELECT webhook_id FROM webhook_receipts"), r => r.GetString(0), CancellationToken.None);
        Assert.Equal(["recent"], left);
    }
}
