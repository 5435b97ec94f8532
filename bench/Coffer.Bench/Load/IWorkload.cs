namespace Coffer.Bench.Load;

/// <summary>
/// What one scenario sends. The runner asks for the next operation, times it and counts its outcome; the workload only
/// knows which request to make and how many transfers it would create.
/// </summary>
internal interface IWorkload
{
    /// <summary>The operation kinds, in report order (e.g. <c>post-transfer</c>, or the four kinds of the mixed scenario).</summary>
    IReadOnlyList<string> Kinds { get; }

    /// <summary>The next operation of one worker; <paramref name="random"/> is that worker's own.</summary>
    PlannedOperation Next(int worker, long sequence, Random random);
}

/// <summary>
/// One request to make. <paramref name="Transfers"/> is how many transfers a success (201) persists — 0 for a read,
/// the batch size for a batch — so the verification can count in transfers whatever the request shape.
/// </summary>
internal sealed record PlannedOperation(int Kind, int Transfers, Func<CancellationToken, Task<ApiOutcome>> Send);

/// <summary>The HTTP status, and for a failure the problem+json <c>code</c>.</summary>
internal readonly record struct ApiOutcome(int Status, string? Code)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
