namespace Coffer.Platform.Jobs;

/// <summary>
/// A job's life: <c>queued</c> → <c>running</c> → <c>succeeded</c>; a failed attempt goes to <c>failed</c> (waiting
/// for its next attempt, then <c>running</c> again) or, after the last attempt or a permanent error, to <c>dead</c> (the
/// dead-letter queue). Operators replay a dead job (→ <c>queued</c>, attempts from zero) or discard it
/// (→ <c>discarded</c>). A running job whose lease expires (its worker died) is claimed again as if it were due.
/// </summary>
public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Dead = "dead";
    public const string Discarded = "discarded";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Queued, Running, Succeeded, Failed, Dead, Discarded,
    };

    /// <summary>What an operator may replay (back to <see cref="Queued"/>, fresh attempts): the dead-letter queue and what was discarded from it.</summary>
    public static readonly IReadOnlyList<string> ReplayableFrom = [Dead, Discarded];

    /// <summary>What an operator may discard: dead jobs only.</summary>
    public static readonly IReadOnlyList<string> DiscardableFrom = [Dead];

    /// <summary>SQL list of <paramref name="statuses"/>, for guards that must match these rules.</summary>
    internal static string SqlList(IEnumerable<string> statuses) => string.Join(", ", statuses.Select(s => $"'{s}'"));

    /// <summary>The allowed moves; anything else is a bug and throws.</summary>
    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Queued or Failed, Running) => true,
        (Running, Succeeded or Failed or Dead or Queued) => true, // Queued: a lease released at shutdown
        (Running, Running) => true, // a lease that expired is claimed again
        (_, Queued) when ReplayableFrom.Contains(from) => true,
        (_, Discarded) when DiscardableFrom.Contains(from) => true,
        _ => false,
    };
}
