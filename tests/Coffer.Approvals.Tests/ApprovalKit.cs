using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Coffer.Approvals.Execution;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coffer.Approvals.Tests;

/// <summary>
/// A server with the approvals module, a test-only <see cref="IApprovedOperation"/> for <c>dividend.distribute</c> that records
/// each execution in <see cref="ExecutionLog"/>, the tenant's admin, and helpers to register partners, set policies and ask the
/// gate as a module would (inside a unit of work). The sweeper's timer is an hour: tests sweep with <see cref="SweepAsync"/>.
/// </summary>
internal sealed class ApprovalKit : IAsyncDisposable
{
    public const string Tenant = RoleClients.DefaultTenant;
    public const string Operation = ApprovalOperations.DividendDistribute;

    private ApprovalKit(CofferTestServer server) => Server = server;

    public CofferTestServer Server { get; }
    public HttpClient Admin => Server.Admin();
    public TestDatabase Database => Server.Database;
    public ExecutionLog Executions => Server.Services.GetRequiredService<ExecutionLog>();

    public static async Task<ApprovalKit> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Coffer:Jobs:PollMilliseconds"] = "50",
            ["Coffer:Jobs:FirstBackoffSeconds"] = "0.2",
            ["Coffer:Approvals:SweepIntervalSeconds"] = "3600",
            ["Coffer:RateLimits:Policies:approvals-admin:Permits"] = "100000",
            ["Coffer:RateLimits:Policies:approval-decisions:Permits"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        return new ApprovalKit(await CofferTestServer.StartAsync(provider, all, services =>
        {
            services.AddSingleton<ExecutionLog>();
            // The test operation stands in for the investments module's executor of the same operation.
            services.RemoveAll<IApprovedOperation>();
            services.AddApprovedOperation<TestOperation>();
        }));
    }

    public HttpClient Partner(string subject, string tenant = Tenant) => Server.ClientFor(subject, tenant, "partner");

    /// <summary>Registers <paramref name="subject"/> as an approval partner; returns its id.</summary>
    public async Task<Guid> RegisterPartnerAsync(string subject, string tenant = Tenant)
    {
        var partner = await (await Server.Admin(tenant).PostJsonAsync("/api/v1/approvals/partners", new { subject, displayName = $"Partner {subject}" }))
            .ExpectAsync(HttpStatusCode.Created);
        return partner.GetProperty("id").GetGuid();
    }

    /// <summary>Creates the operation's policy (no If-Match); returns its ETag.</summary>
    public async Task<string> CreatePolicyAsync(int requiredSignatures, long usdThreshold = 100_000, int? ttlSeconds = null,
        string operation = Operation)
    {
        var response = await Admin.PutJsonAsync($"/api/v1/approvals/policies/{operation}",
            new { thresholds = new Dictionary<string, long> { ["USD"] = usdThreshold }, requiredSignatures, ttlSeconds });
        await response.ExpectAsync(HttpStatusCode.Created);
        return response.Headers.ETag!.ToString();
    }

    /// <summary>Asks the gate as a module does: inside its own unit of work, which commits (or rolls back) what the gate wrote.</summary>
    public async Task<ApprovalRequired?> AskAsync(long? amount, object? payload = null, string requestedBy = "admin",
        string operation = Operation, bool commit = true)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = Tenant;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("test-module");
        await session.BeginAsync(CancellationToken.None);
        try
        {
            var required = await scope.ServiceProvider.GetRequiredService<IApprovalGate>().RequireAsync(
                new ApprovalAsk(Tenant, operation, amount, amount is null ? null : "USD", payload ?? new { productId = "p-1", amount },
                    requestedBy), CancellationToken.None);
            if (commit)
            {
                await session.CommitAsync([], CancellationToken.None);
            }
            return required;
        }
        finally
        {
            await session.RollbackAsync();
        }
    }

    /// <summary>A pending approval of a gated dividend (above the threshold), requested by <paramref name="requestedBy"/>.</summary>
    public async Task<Guid> PendingApprovalAsync(string requestedBy = "admin", long amount = 250_000) =>
        (await AskAsync(amount, new { productId = Guid.NewGuid(), amount }, requestedBy))!.ApprovalId;

    public Task<HttpResponseMessage> SignAsync(string partner, Guid approval, string? idempotencyKey = null) =>
        Partner(partner).PostJsonAsync($"/api/v1/approvals/{approval}/signatures", null, idempotencyKey);

    public async Task<JsonElement> ApprovalAsync(Guid approval) =>
        await (await Admin.GetAsync($"/api/v1/approvals/{approval}")).ExpectAsync(HttpStatusCode.OK);

    /// <summary>Reads the approval until it is <paramref name="status"/> (and, for approved, until its job finished holding it).</summary>
    public async Task<JsonElement> WaitForAsync(Guid approval, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var json = await ApprovalAsync(approval);
            if (condition(json))
            {
                return json;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Approval {approval} never became {what}; last seen: {json}");
            }
            await Task.Delay(25);
        }
    }

    public Task<(int Expired, int Released)> SweepAsync(DateTimeOffset now) =>
        Server.Services.GetRequiredService<ApprovalSweeper>().SweepOnceAsync(now, CancellationToken.None);

    /// <summary>Sets the kill switch through the flags API, as the platform's administrator does.</summary>
    public async Task SetKillSwitchAsync(bool on) =>
        await (await Server.PlatformAdmin().PutJsonAsync($"/api/v1/admin/flags/{ApprovalFlags.KillSwitch}",
            new { enabled = on, killSwitch = false, rolloutPercentage = 100 })).ExpectAsync(HttpStatusCode.OK);

    public Task<long> CountAsync(string sql) => DatabaseShell.ScalarAsync<long>(Database, sql, tenant: "*");

    /// <summary>Moves the approval's expiry into the past, as if its TTL had run out (the sweeper not yet run).</summary>
    public async Task ExpireInDatabaseAsync(Guid approval)
    {
        var sqlite = Database.Provider == DatabaseProvider.Sqlite;
        var past = DateTimeOffset.UtcNow.AddMinutes(-1);
        // EF's SQLite storage: GUIDs as upper-case text, timestamps as ISO text; PostgreSQL takes the typed values.
        var changed = await DatabaseShell.ExecuteAsync(Database, "UPDATE approval_requests SET expires_at = @at WHERE id = @id", asOwner: true,
            ("at", sqlite ? past.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture) : past),
            ("id", sqlite ? approval.ToString().ToUpperInvariant() : approval));
        Assert.Equal(1, changed);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>Every execution of the test operation, in order.</summary>
internal sealed class ExecutionLog
{
    public ConcurrentQueue<ApprovedOperation> Executed { get; } = new();
}

/// <summary>A stand-in for the investments module's dividend executor: records what it was asked to run.</summary>
internal sealed class TestOperation(ExecutionLog log) : IApprovedOperation
{
    public string Operation => ApprovalOperations.DividendDistribute;

    public Task<object?> ExecuteAsync(ApprovedOperation approved, CancellationToken cancellationToken)
    {
        log.Executed.Enqueue(approved);
        return Task.FromResult<object?>(new { distributed = approved.Amount });
    }
}
