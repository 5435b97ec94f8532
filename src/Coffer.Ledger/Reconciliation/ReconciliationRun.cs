using System.Data.Common;

namespace Coffer.Ledger.Reconciliation;

/// <summary>One reconciliation run as stored: what was checked and what was found (<see cref="Report"/>, JSON).</summary>
public sealed class ReconciliationRun
{
    public Guid Id { get; set; }
    public required string Trigger { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public long AccountsChecked { get; set; }
    public long AuditEventsChecked { get; set; }
    public int MismatchCount { get; set; }
    public required string Report { get; set; }

    internal const string Columns =
        "id, trigger, status, started_at, finished_at, accounts_checked, audit_events_checked, mismatch_count, report";

    internal static ReconciliationRun Read(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        Trigger = r.GetString(1),
        Status = r.GetString(2),
        StartedAt = r.GetFieldValue<DateTimeOffset>(3),
        FinishedAt = r.GetFieldValue<DateTimeOffset>(4),
        AccountsChecked = r.GetInt64(5),
        AuditEventsChecked = r.GetInt64(6),
        MismatchCount = r.GetInt32(7),
        Report = r.GetString(8),
    };
}

/// <summary>Stable values of <see cref="ReconciliationRun.Status"/> and of the runs metric's <c>result</c> label.</summary>
public static class ReconciliationStatuses
{
    public const string Clean = "clean";
    public const string Mismatch = "mismatch";
    public const string Failed = "failed";
}

/// <summary>Who started a run.</summary>
public static class ReconciliationTriggers
{
    public const string Schedule = "schedule";
    public const string Cli = "cli";
}

/// <summary>One disagreement: which check, where, and what differs.</summary>
public sealed record ReconciliationFinding(string Check, string? TenantId, string? Currency, string? ResourceId, string Detail);

/// <summary>Names of the checks (the <c>check</c> label of <c>coffer_reconciliation_mismatches_total</c>).</summary>
internal static class ReconciliationChecks
{
    public const string Balance = "balance";
    public const string Conservation = "conservation";
    public const string Overdraft = "overdraft";
    public const string Hold = "hold";
    public const string AuditChain = "audit_chain";
}

/// <summary>A finished run and all its findings (the stored report keeps at most 1000).</summary>
public sealed record ReconciliationResult(ReconciliationRun Run, IReadOnlyList<ReconciliationFinding> Findings);

/// <summary>Where a run is, for progress displays: step <see cref="Number"/> of <see cref="Of"/>.</summary>
public sealed record ReconciliationStep(string Name, int Number, int Of);
