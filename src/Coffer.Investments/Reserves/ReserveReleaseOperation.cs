using System.Text.Json;
using Coffer.Investments.Products;
using Coffer.Ledger.Contracts;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.Persistence;
using Coffer.Platform.Time;

namespace Coffer.Investments.Reserves;

/// <summary>A release the reserves engine proposed can no longer be executed as approved; the approval fails with this reason.</summary>
internal sealed class ReserveReleaseRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// Executes an approved <c>reserve.release</c> exactly once, in the approvals module's transaction: under the run's and the
/// product's row locks, a run already <c>released</c> is answered with its transfer (nothing moves again), and the release is
/// rechecked against the reserve as it is now — it must still hold the amount above what the product requires today, or
/// the execution fails with a clear reason and nothing moves. The movement's reference (<c>reserve:&lt;runId&gt;:release</c>)
/// makes a second posting impossible in any case.
/// </summary>
internal sealed class ReserveReleaseOperation(DbSession session, IMoneyMover money, AuditTrail audit, RecordClock clock) : IApprovedOperation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Operation => ApprovalOperations.ReserveRelease;

    public async Task<object?> ExecuteAsync(ApprovedOperation approved, CancellationToken cancellationToken)
    {
        var payload = approved.Payload.Deserialize<ReserveReleasePayload>(Json)
            ?? throw new ReserveReleaseRefusedException($"Approval {approved.ApprovalId} carries no reserve release.");
        var run = (await session.QueryAsync(ReserveRun.Find(approved.TenantId, payload.RunId, session.Provider), ReserveRun.Read,
            cancellationToken)).SingleOrDefault()
            ?? throw new ReserveReleaseRefusedException($"Reserve run {payload.RunId} does not exist.");
        if (run.Status == ReserveRunStatuses.Released)
        {
            return new { runId = run.Id, transferId = run.TransferId, alreadyReleased = true };
        }
        if (run.Status != ReserveRunStatuses.PendingApproval || run.ApprovalId != approved.ApprovalId || run.Amount != payload.Amount)
        {
            throw new ReserveReleaseRefusedException($"Reserve run {run.Id} is {run.Status}; it has no release awaiting approval {approved.ApprovalId}.");
        }
        var product = await ProductChanges.LockAsync(session, approved.TenantId, run.ProductId, cancellationToken)
            ?? throw new ReserveReleaseRefusedException($"Product {run.ProductId} does not exist.");
        var outstanding = await money.SystemBalanceAsync(approved.TenantId, run.Currency,
            ProductAccounts.Code(ProductAccounts.CustodyKind, run.ProductId), cancellationToken);
        var held = await money.SystemBalanceAsync(approved.TenantId, run.Currency,
            ProductAccounts.Code(ProductAccounts.ReserveKind, run.ProductId), cancellationToken);
        var required = ReserveEngine.RequiredReserve(product.ReserveRatio ?? 0, outstanding);
        if (held - run.Amount < required)
        {
            throw new ReserveReleaseRefusedException(
                $"Reserve release of run {run.Id} refused: the reserve holds {held} {run.Currency} and the product now requires {required}; "
                + $"releasing {run.Amount} would leave it short. Run the engine again for a fresh proposal.");
        }
        var moved = await ReserveEngine.MoveReleaseAsync(money, approved.TenantId, run.Id, run.ProductId, run.Amount, run.Currency,
            cancellationToken);
        if (!moved.IsSuccess)
        {
            throw new ReserveReleaseRefusedException($"Reserve release of run {run.Id} refused by the ledger: {moved.Failure.Code}.");
        }
        var now = clock.Now();
        session.Defer(ReserveRun.MarkReleased(approved.TenantId, run.Id, moved.Value, now));
        (run.Status, run.TransferId, run.ReleasedAt) = (ReserveRunStatuses.Released, moved.Value, now);
        audit.Record(approved.TenantId, "reserve.released", "investment_product", run.ProductId.ToString(), before: null,
            after: ReserveRunResponse.From(run));
        return new { runId = run.Id, transferId = moved.Value, alreadyReleased = false };
    }
}
