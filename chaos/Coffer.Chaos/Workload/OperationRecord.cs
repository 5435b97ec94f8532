namespace Coffer.Chaos.Workload;

/// <summary>
/// What became of one logical operation: its first request (deposit, transfer, hold, withdrawal) and, for holds, the second
/// (capture or void), each with its outcome; for a replay, what the repeated request was answered. Written by the client that
/// runs the operation, then by the resolution after the faults; <see cref="Settled"/> tells replays when the first answer is in.
/// </summary>
internal sealed class OperationRecord(PlannedOperation plan)
{
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PlannedOperation Plan { get; } = plan;
    public bool Started { get; set; }
    public ApiRequest? First { get; set; }
    public ApiOutcome? FirstOutcome { get; set; }
    public ApiRequest? Second { get; set; }
    public ApiOutcome? SecondOutcome { get; set; }

    /// <summary>Whether a request of the operation had no definitive answer during the workload and was resolved afterwards.</summary>
    public bool ResolvedAfterFaults { get; set; }

    /// <summary>For a replay: the answer to the repeated request, and whether it matched the original answer.</summary>
    public ApiOutcome? ReplayOutcome { get; set; }
    public ReplayVerdict? Verdict { get; set; }

    /// <summary>Completes when the first request has its definitive answer (or was given up as unknown).</summary>
    public Task Settled => _settled.Task;

    public void MarkSettled() => _settled.TrySetResult();

    public bool Acknowledged => FirstOutcome?.Kind == OutcomeKind.Succeeded;
}

/// <summary>How a replay was answered compared with the original answer.</summary>
internal enum ReplayVerdict
{
    /// <summary>The original status and body, marked Idempotent-Replayed.</summary>
    Same,

    /// <summary>Anything else: another status, another body, or no replay mark.</summary>
    Different,

    /// <summary>Not sent: the original never got a definitive answer in time, or the workload ended first.</summary>
    Skipped,
}
