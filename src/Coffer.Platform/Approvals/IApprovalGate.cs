using System.Text.Json;

namespace Coffer.Platform.Approvals;

/// <summary>
/// Asked by a module inside its open unit of work (the request's <see cref="Persistence.DbSession"/> transaction) before it
/// executes a gated operation. When the operation's approval policy requires approval for this amount, the approval request
/// is written in that same transaction and returned, and the module answers 202 <c>{approvalId, status:"pending_approval"}</c>
/// instead of executing; null means: execute now. Without the approvals module, nothing is gated (null).
/// </summary>
public interface IApprovalGate
{
    Task<ApprovalRequired?> RequireAsync(ApprovalAsk ask, CancellationToken cancellationToken);

    /// <summary>
    /// Where an approval the gate returned stands now: <c>pending</c>, <c>approved</c>, <c>executed</c>, <c>rejected</c> or
    /// <c>expired</c>; null when unknown (no approvals module). Lets a module stop waiting on a request that will never execute.
    /// </summary>
    Task<string?> StatusOfAsync(string tenantId, Guid approvalId, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <param name="Operation">One of <see cref="ApprovalOperations"/>.</param>
/// <param name="Amount">The amount the policy's per-currency threshold is compared with (minor units); null: always gated
/// when a policy exists for the operation (e.g. a credentials change).</param>
/// <param name="Payload">What the operation needs to run later, serialized as JSON (camelCase); at most 16 KiB; never secrets in
/// clear (seal them first).</param>
/// <param name="RequestedBy">The requester's subject: the one partner who may not sign it.</param>
public sealed record ApprovalAsk(
    string TenantId, string Operation, long? Amount, string? Currency, object Payload, string RequestedBy, string? ResourceId = null);

/// <summary>An approval request was created instead of executing: <c>202 {approvalId, status:"pending_approval"}</c>.</summary>
public sealed record ApprovalRequired(Guid ApprovalId, string Status, DateTimeOffset ExpiresAt)
{
    public const string PendingApproval = "pending_approval";
}

/// <summary>
/// Registered by the module that owns <see cref="Operation"/> (<c>services.AddApprovedOperation&lt;T&gt;()</c>): executes an
/// approved operation exactly once, inside the transaction of the approvals module's execution job — whatever it writes
/// (rows, jobs it enqueues, audit events) commits with the approval's <c>executed</c> status or not at all.
/// </summary>
public interface IApprovedOperation
{
    string Operation { get; }

    /// <returns>The result stored on the approval (a small object: ids of what was created), or null.</returns>
    Task<object?> ExecuteAsync(ApprovedOperation approved, CancellationToken cancellationToken);
}

/// <summary>What the quorum approved: the request as it was asked, and who asked.</summary>
public sealed record ApprovedOperation(
    Guid ApprovalId, string TenantId, string Operation, long? Amount, string? Currency, JsonElement Payload, string RequestedBy,
    string? ResourceId);
