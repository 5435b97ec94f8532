using System.CommandLine;
using Coffer.Ledger;
using Coffer.Ledger.Reconciliation;

namespace Coffer.Server.Cli;

/// <summary><c>reconcile</c>: one reconciliation run now, stored like the scheduled ones. Exit 0 clean, 3 mismatch, 1 failed.</summary>
internal static class ReconcileCommand
{
    public const int MismatchExitCode = 3;

    public static Command Create()
    {
        var command = new Command("reconcile",
            "Re-derive every balance from the transfers, check conservation, overdrafts, holds and the audit chains; store the report.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((result, cancellationToken) => HostedVerb.RunAsync(result.UnmatchedTokens, RunAsync, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var result = await ProgressDisplay.RunAsync("Reconciling", 5, progress => LedgerModule.ReconcileAsync(
            services, ReconciliationTriggers.Cli, new Progress<ReconciliationStep>(step => progress.Report((step.Number - 1, step.Name))),
            cancellationToken));
        var run = result.Run;
        Console.WriteLine($"Run {run.Id}: {run.Status}. {run.AccountsChecked} account(s), {run.AuditEventsChecked} audit event(s) checked, "
            + $"{run.MismatchCount} mismatch(es).");
        foreach (var finding in result.Findings.Take(50))
        {
            Console.WriteLine($"  [{finding.Check}] tenant {finding.TenantId ?? "-"} {finding.Currency ?? ""} {finding.ResourceId ?? ""}: {finding.Detail}");
        }
        if (result.Findings.Count > 50)
        {
            Console.WriteLine($"  ... and {result.Findings.Count - 50} more (GET /api/v1/admin/reconciliation/runs/{run.Id}).");
        }
        return run.Status switch
        {
            ReconciliationStatuses.Clean => 0,
            ReconciliationStatuses.Mismatch => MismatchExitCode,
            _ => 1,
        };
    }
}
