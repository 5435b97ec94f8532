using System.Text;
using Coffer.Chaos.Cluster;
using Coffer.Chaos.Faults;
using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Reporting;

/// <summary>The table a chaos run prints: operations by kind and outcome, faults by kind, retries, lost, duplicated, violations.</summary>
internal static class ReportTable
{
    private const int FindingsShown = 40;
    private const int ServerErrorsShown = 5;

    public static string Render(ChaosReport report)
    {
        var text = new StringBuilder();
        var options = report.Options;
        text.AppendLine($"Chaos run, seed {options.Seed}: {(report.Passed ? "PASSED" : "FAILED")}"
            + (options.Bug is null ? "" : $" (injected bug: {options.Bug.Name})"));
        text.AppendLine($"  {options.Clients} clients, {CofferCluster.NodeCount} servers; setup {Seconds(report.SetupTime)}, "
            + $"workload with faults {Seconds(report.WorkloadTime)}, resolution and checks {Seconds(report.CheckTime)}, total {Seconds(report.TotalTime)}");
        text.AppendLine();
        Operations(report, text);
        text.AppendLine();
        Faults(report, text);
        text.AppendLine();
        text.AppendLine("client retries (same key, same body): "
            + (report.Retries.Count == 0 ? "none" : string.Join(", ", report.Retries.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}"))));
        text.AppendLine($"withdrawals settled: {string.Join(", ", report.WithdrawalStatuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}; "
            + $"dead jobs {report.DeadJobs}, replayed by the operator {report.DeadJobsReplayed}");
        text.AppendLine(report.Investments);
        text.AppendLine(report.Commerce);
        text.AppendLine($"operator verbs: {report.OperatorVerbs}");
        foreach (var sample in report.ServerErrorSamples.Take(ServerErrorsShown))
        {
            text.AppendLine($"  a 5xx answer (retried): {sample}");
        }
        text.AppendLine();
        text.AppendLine($"{"lost",-22}{report.Findings.Lost,8}");
        text.AppendLine($"{"duplicated",-22}{report.Findings.Duplicated,8}");
        text.AppendLine($"{"invariant violations",-22}{report.Findings.InvariantViolations,8}");
        foreach (var finding in report.Findings.All.Take(FindingsShown))
        {
            text.AppendLine($"  {finding}");
        }
        if (report.Findings.All.Count > FindingsShown)
        {
            text.AppendLine($"  ... and {report.Findings.All.Count - FindingsShown} more");
        }
        if (!report.Passed)
        {
            text.AppendLine();
            text.AppendLine($"Reproduce with: chaos/run.sh --seed {options.Seed} --duration {options.Duration.TotalSeconds:F0} --clients {options.Clients}"
                + (options.LongFaults ? " --long-faults" : "") + (options.InjectFaults ? "" : " --no-faults")
                + (options.Bug is null ? "" : $" --inject-bug {options.Bug.Name}"));
        }
        return text.ToString();
    }

    private static void Operations(ChaosReport report, StringBuilder text)
    {
        text.AppendLine($"{"request",-16}{"sent",8}{"acked",8}{"refused",9}{"unknown",9}{"late",7}   (late: unknown during the faults, resolved after)");
        var steps = report.Operations.Where(r => r.Plan.Kind != OperationKind.Replay)
            .SelectMany(r => new[] { (r.First, r.FirstOutcome), (r.Second, r.SecondOutcome) }.Where(s => s.Item1 is not null && s.Item2 is not null)
                .Select(s => (Step: StepName(s.Item1!), Outcome: s.Item2!, Late: r.ResolvedAfterFaults)))
            .ToList();
        foreach (var group in steps.GroupBy(s => s.Step).OrderBy(g => Array.IndexOf(StepOrder, g.Key)))
        {
            text.AppendLine($"{group.Key,-16}{group.Count(),8}{group.Count(s => s.Outcome.Kind == OutcomeKind.Succeeded),8}"
                + $"{group.Count(s => s.Outcome.Kind == OutcomeKind.Refused),9}{group.Count(s => s.Outcome.Kind == OutcomeKind.Unknown),9}{group.Count(s => s.Late),7}");
        }
        var replays = report.Operations.Where(r => r.Plan.Kind == OperationKind.Replay && r.Verdict is not null).ToList();
        text.AppendLine($"{"replay",-16}{replays.Count,8}   same answer {replays.Count(r => r.Verdict == ReplayVerdict.Same)}, "
            + $"different {replays.Count(r => r.Verdict == ReplayVerdict.Different)}, not sent {replays.Count(r => r.Verdict == ReplayVerdict.Skipped)}");
        text.AppendLine($"{"total",-16}{steps.Count + replays.Count,8}   logical operations: {report.Operations.Count(r => r.Started)}");
    }

    private static void Faults(ChaosReport report, StringBuilder text)
    {
        text.AppendLine($"{"fault",-22}{"count",6}{"failed",8}   whole again after (max)");
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            var faults = report.Faults.Where(f => f.Plan.Kind == kind).ToList();
            text.AppendLine($"{kind,-22}{faults.Count,6}{faults.Count(f => f.Error is not null),8}   "
                + (faults.Count == 0 ? "-" : Seconds(faults.Max(f => f.Took))));
        }
    }

    private static readonly string[] StepOrder =
        ["deposit", "transfer", "hold", "hold capture", "hold void", "withdrawal", "investment", "execute", "redeem", "dividend", "checkout", "cancel"];

    private static string StepName(ApiRequest request) => request.Path switch
    {
        var p when p.EndsWith("/capture", StringComparison.Ordinal) => "hold capture",
        var p when p.EndsWith("/void", StringComparison.Ordinal) => "hold void",
        var p when p.EndsWith("/commerce/orders", StringComparison.Ordinal) => "checkout",
        var p when p.EndsWith("/transitions", StringComparison.Ordinal) => "cancel",
        var p => p.Split('/').Last().TrimEnd('s'),
    };

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:F1} s";
}
