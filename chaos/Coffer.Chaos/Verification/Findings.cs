using System.Collections.Concurrent;

namespace Coffer.Chaos.Verification;

/// <summary>What the checks found. <see cref="Lost"/> and <see cref="Duplicated"/> are counted apart from the other invariants.</summary>
internal static class FindingKinds
{
    /// <summary>An acknowledged operation whose effect is not in the ledger.</summary>
    public const string Lost = "lost";

    /// <summary>An effect applied more often than its operations were acknowledged (a key applied twice, an effect nobody asked for).</summary>
    public const string Duplicated = "duplicated";
}

/// <summary>One broken promise: the check that found it (<c>lost</c>, <c>duplicated</c>, <c>conservation</c> ...) and what exactly.</summary>
internal sealed record Finding(string Check, string Detail)
{
    public override string ToString() => $"[{Check}] {Detail}";
}

/// <summary>The findings of every check, collected as they come.</summary>
internal sealed class Findings
{
    private readonly ConcurrentQueue<Finding> _all = new();

    public IReadOnlyList<Finding> All => _all.ToList();

    public int Lost => _all.Count(f => f.Check == FindingKinds.Lost);

    public int Duplicated => _all.Count(f => f.Check == FindingKinds.Duplicated);

    public int InvariantViolations => _all.Count(f => f.Check is not (FindingKinds.Lost or FindingKinds.Duplicated));

    public void Add(string check, string detail) => _all.Enqueue(new Finding(check, detail));
}
