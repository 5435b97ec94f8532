using System.Text.Json;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Investments.Tests;

/// <summary>
/// Stands in for the approvals module: asks for approval when <c>requires</c> says so, remembers every ask, and executes an
/// approved operation the way the module's execution job does (the registered executor, in a transaction of its own).
/// </summary>
internal sealed class RecordingApprovalGate(Func<ApprovalAsk, bool> requires) : IApprovalGate
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public List<ApprovalAsk> Asked { get; } = [];

    public Task<ApprovalRequired?> RequireAsync(ApprovalAsk ask, CancellationToken cancellationToken)
    {
        lock (Asked)
        {
            Asked.Add(ask);
        }
        return Task.FromResult(requires(ask)
            ? new ApprovalRequired(Guid.NewGuid(), ApprovalRequired.PendingApproval, DateTimeOffset.UtcNow.AddHours(72))
            : null);
    }

    /// <summary>Runs the executor registered for <paramref name="ask"/>'s operation and commits; returns its result as JSON.</summary>
    public static async Task<string> ExecuteApprovedAsync(IServiceProvider services, Guid approvalId, ApprovalAsk ask)
    {
        await using var scope = services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<DbSession>();
        session.TenantScope = ask.TenantId;
        scope.ServiceProvider.GetRequiredService<AuditTrail>().Actor = AuditActor.System("approval-execution");
        var executor = scope.ServiceProvider.GetServices<IApprovedOperation>().Single(o => o.Operation == ask.Operation);
        await session.BeginAsync(CancellationToken.None);
        var result = await executor.ExecuteAsync(new ApprovedOperation(approvalId, ask.TenantId, ask.Operation, ask.Amount, ask.Currency,
            JsonSerializer.SerializeToElement(ask.Payload, Json), ask.RequestedBy, ask.ResourceId), CancellationToken.None);
        await session.CommitAsync([], CancellationToken.None);
        return JsonSerializer.Serialize(result);
    }
}
