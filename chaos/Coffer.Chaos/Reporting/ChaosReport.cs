using Coffer.Chaos.Faults;
using Coffer.Chaos.Verification;
using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Reporting;

/// <summary>Everything a chaos run did and found: the operations and their answers, the faults, the client retries, the findings.</summary>
internal sealed record ChaosReport
{
    public required ChaosOptions Options { get; init; }
    public required IReadOnlyList<OperationRecord> Operations { get; init; }
    public required IReadOnlyList<InjectedFault> Faults { get; init; }
    public required IReadOnlyDictionary<string, int> Retries { get; init; }
    public required IReadOnlyList<string> ServerErrorSamples { get; init; }
    public required IReadOnlyDictionary<string, int> WithdrawalStatuses { get; init; }
    public required int DeadJobs { get; init; }
    public required int DeadJobsReplayed { get; init; }
    public required string OperatorVerbs { get; init; }

    /// <summary>How the investments and dividends settled (InvestmentCheck's counts).</summary>
    public string Investments { get; init; } = "";

    /// <summary>How the checkouts and orders settled (CommerceCheck's counts).</summary>
    public string Commerce { get; init; } = "";
    public required Findings Findings { get; init; }
    public required TimeSpan SetupTime { get; init; }
    public required TimeSpan WorkloadTime { get; init; }
    public required TimeSpan CheckTime { get; init; }
    public required IReadOnlyList<string> NodeOutputs { get; init; }

    public bool Passed => Findings.All.Count == 0;

    public TimeSpan TotalTime => SetupTime + WorkloadTime + CheckTime;

    /// <summary>The fault kinds injected at least once.</summary>
    public IReadOnlySet<FaultKind> FaultKinds => Faults.Select(f => f.Plan.Kind).ToHashSet();
}
