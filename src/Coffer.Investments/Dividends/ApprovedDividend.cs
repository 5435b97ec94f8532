using System.Text.Json;
using Coffer.Platform.Approvals;
using Coffer.Platform.Persistence;

namespace Coffer.Investments.Dividends;

/// <summary>
/// Executes an approved <c>dividend.distribute</c>: declares the distribution and its job in the approval's execution
/// transaction. A reference taken meanwhile (another dividend declared under it) is answered in the result, not retried.
/// </summary>
internal sealed class ApprovedDividend(DbSession session, DividendDeclaration declaration) : IApprovedOperation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Operation => ApprovalOperations.DividendDistribute;

    public async Task<object?> ExecuteAsync(ApprovedOperation approved, CancellationToken cancellationToken)
    {
        var order = approved.Payload.Deserialize<DividendOrder>(Json)
            ?? throw new InvalidOperationException($"Approval {approved.ApprovalId} carries no dividend.");
        if ((await session.QueryAsync(DividendDistribution.FindByReference(approved.TenantId, order.Reference), DividendDistribution.Read,
                cancellationToken)).SingleOrDefault() is { } existing)
        {
            return new { refused = "duplicate_reference", existingDistributionId = existing.Id };
        }
        var declared = await declaration.DeclareAsync(approved.TenantId, order, approved.RequestedBy, cancellationToken);
        return declared.IsSuccess
            ? new { distributionId = declared.Value!.Id, jobId = declared.Value.JobId }
            : new { refused = declared.Failure.Code, existingDistributionId = (Guid?)null };
    }
}
