using System.Text.Json;
using Coffer.Platform.Identity;
using Coffer.Platform.Paging;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Ledger.Reconciliation;

/// <summary>Reconciliation reports for administrators: runs cover every tenant, so they are not a tenant's data.</summary>
internal static class ReconciliationEndpoints
{
    public sealed record RunSummary(
        Guid Id, string Trigger, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, long AccountsChecked,
        long AuditEventsChecked, int MismatchCount)
    {
        public static RunSummary From(ReconciliationRun r) =>
            new(r.Id, r.Trigger, r.Status, r.StartedAt, r.FinishedAt, r.AccountsChecked, r.AuditEventsChecked, r.MismatchCount);
    }

    public sealed record RunDetail(RunSummary Run, IReadOnlyList<ReconciliationFinding> Findings);

    private sealed record StoredReport(List<ReconciliationFinding> Findings);

    public static void MapReconciliationEndpoints(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/admin/reconciliation/runs").WithTags("Reconciliation").RequireRateLimit(RateLimitSettings.Admin);
        runs.MapGet("/", List).RequireRoles(Roles.Admin).WithSummary("Reconciliation runs, newest first");
        runs.MapGet("/{id:guid}", Get).RequireRoles(Roles.Admin).WithSummary("One run with its findings");
    }

    private static async Task<Results<Ok<Page<RunSummary>>, ProblemHttpResult>> List(
        DbSession session, HttpContext http, CancellationToken cancellationToken, string? status = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<RunSummary>.SizeOf(errors, limit);
        if (!Cursor.TryDecode(cursor, out var before))
        {
            errors.Add("cursor", "Not a cursor this API returned.");
        }
        if (status is not (null or ReconciliationStatuses.Clean or ReconciliationStatuses.Mismatch or ReconciliationStatuses.Failed))
        {
            errors.Add("status", "One of clean, mismatch, failed.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var conditions = new List<string> { "1 = 1" };
        var parameters = new List<(string, object?)> { ("limit", size + 1) };
        if (status is not null)
        {
            conditions.Add("status = @status");
            parameters.Add(("status", status));
        }
        if (before is not null)
        {
            conditions.Add("id < @before");
            parameters.Add(("before", before));
        }
        var rows = await session.QueryAsync(SqlStatement.Of(
            $"SELECT {ReconciliationRun.Columns} FROM reconciliation_runs WHERE {string.Join(" AND ", conditions)} ORDER BY id DESC LIMIT @limit",
            [.. parameters]), ReconciliationRun.Read, cancellationToken);
        return TypedResults.Ok(Page<RunSummary>.From(rows, size, RunSummary.From, r => r.Id));
    }

    private static async Task<Results<Ok<RunDetail>, ProblemHttpResult>> Get(
        Guid id, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(SqlStatement.Of(
            $"SELECT {ReconciliationRun.Columns} FROM reconciliation_runs WHERE id = @id", ("id", id)), ReconciliationRun.Read, cancellationToken);
        if (rows is not [var run])
        {
            return Failure.NotFound("reconciliation run").ToProblem(http);
        }
        var report = JsonSerializer.Deserialize<StoredReport>(run.Report, JsonSerializerOptions.Web);
        return TypedResults.Ok(new RunDetail(RunSummary.From(run), report?.Findings ?? []));
    }
}
