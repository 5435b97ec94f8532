using System.Text.Json;
using Coffer.Ledger.Observability;
using Coffer.Platform.Audit;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Platform.Time;
using Microsoft.Extensions.Logging;

namespace Coffer.Ledger.Reconciliation;

/// <summary>
/// Re-derives every account's balances from the transfers, checks conservation per tenant and currency, wallets for
/// overdrafts, holds against their resolutions, and walks the audit chains. Findings are counted
/// (<c>coffer_reconciliation_mismatches_total{check}</c>), logged as errors and stored as the run's report.
/// It only reads and reports: a mismatch is corrected by people, with compensating transfers (docs/runbooks/reconciliation.md).
/// </summary>
internal sealed partial class Reconciler(
    DbSession session, LedgerChecks checks, AuditChainVerifier auditVerifier, RecordClock clock, LedgerMetrics metrics,
    ILogger<Reconciler> logger)
{
    /// <summary>Findings kept in a stored report; the counts always cover all of them.</summary>
    public const int MaxReportedFindings = 1000;

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web);

    public async Task<ReconciliationResult> RunAsync(string trigger, IProgress<ReconciliationStep>? progress, CancellationToken cancellationToken)
    {
        session.Operation = "reconciliation";
        session.TenantScope = DbSession.AllTenants; // reconciliation checks every tenant
        using var activity = CofferTelemetry.Work.StartActivity("reconciliation");
        var started = clock.Now();
        var findings = new List<ReconciliationFinding>();
        long accounts = 0;
        long auditEvents = 0;
        string status;
        try
        {
            progress?.Report(new ReconciliationStep("accounts re-derived from transfers", 1, 5));
            accounts = await checks.CountAccountsAsync(cancellationToken);
            findings.AddRange(await checks.BalancesAsync(cancellationToken));
            progress?.Report(new ReconciliationStep("conservation per tenant and currency", 2, 5));
            findings.AddRange(await checks.ConservationAsync(cancellationToken));
            progress?.Report(new ReconciliationStep("wallet overdrafts", 3, 5));
            findings.AddRange(await checks.OverdraftsAsync(cancellationToken));
            progress?.Report(new ReconciliationStep("holds against their resolutions", 4, 5));
            findings.AddRange(await checks.HoldsAsync(cancellationToken));
            progress?.Report(new ReconciliationStep("audit chains", 5, 5));
            var audit = await auditVerifier.VerifyAsync(null, cancellationToken);
            auditEvents = audit.EventsChecked;
            findings.AddRange(audit.BrokenLinks.Select(b => new ReconciliationFinding(
                ReconciliationChecks.AuditChain, b.ChainId.Split('/')[0], null, b.EventId?.ToString() ?? $"{b.ChainId}#{b.Sequence}",
                $"chain {b.ChainId} at event {b.Sequence}: {b.Reason}")));
            status = findings.Count == 0 ? ReconciliationStatuses.Clean : ReconciliationStatuses.Mismatch;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogRunFailed(logger, failure);
            status = ReconciliationStatuses.Failed;
            findings.Clear();
        }
        var finished = clock.Now();
        var run = new ReconciliationRun
        {
            Id = clock.NewId(finished),
            Trigger = trigger,
            Status = status,
            StartedAt = started,
            FinishedAt = finished,
            AccountsChecked = accounts,
            AuditEventsChecked = auditEvents,
            MismatchCount = findings.Count,
            Report = JsonSerializer.Serialize(new { findings = findings.Take(MaxReportedFindings) }, ReportJson),
        };
        await StoreAsync(run, cancellationToken);
        foreach (var finding in findings.Take(100))
        {
            LogFinding(logger, finding.Check, finding.TenantId, finding.Currency, finding.ResourceId, finding.Detail);
        }
        metrics.ReconciliationFinished(status, findings.Select(f => f.Check), finished);
        activity?.SetTag("coffer.reconciliation.status", status);
        activity?.SetTag("coffer.reconciliation.mismatches", findings.Count);
        LogRunFinished(logger, run.Id, status, findings.Count, accounts, auditEvents, (finished - started).TotalMilliseconds);
        return new ReconciliationResult(run, findings);
    }

    private async Task StoreAsync(ReconciliationRun run, CancellationToken cancellationToken)
    {
        await session.BeginAsync(cancellationToken);
        await session.CommitAsync([SqlStatement.Of(
            $"""
            INSERT INTO reconciliation_runs ({ReconciliationRun.Columns})
            VALUES (@id, @trigger, @status, @started, @finished, @accounts, @auditEvents, @mismatches, @report)
            """,
            ("id", run.Id), ("trigger", run.Trigger), ("status", run.Status), ("started", run.StartedAt), ("finished", run.FinishedAt),
            ("accounts", run.AccountsChecked), ("auditEvents", run.AuditEventsChecked), ("mismatches", run.MismatchCount),
            ("report", run.Report))], cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation mismatch ({Check}) tenant {TenantId} currency {Currency} resource {ResourceId}: {Detail}")]
    private static partial void LogFinding(ILogger logger, string check, string? tenantId, string? currency, string? resourceId, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation run failed before it could finish its checks")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Reconciliation run {RunId}: {Status}, {Mismatches} mismatch(es), {Accounts} accounts and {AuditEvents} audit events checked in {ElapsedMilliseconds} ms")]
    private static partial void LogRunFinished(ILogger logger, Guid runId, string status, int mismatches, long accounts, long auditEvents, double elapsedMilliseconds);
}
