using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Bugs;

/// <summary>What a deliberately injected defect may reach: the database as its owner, and what the clients were told.</summary>
internal sealed record BugContext(string OwnerConnectionString, IReadOnlyList<OperationRecord> Records, Action<string> Log);

/// <summary>
/// A defect injected on purpose — through the database or the harness, never through switches in Coffer's code — to prove the
/// checks catch what they claim. <see cref="DuringWorkloadAsync"/> runs once, halfway through the workload;
/// <see cref="BeforeChecksAsync"/> after the workload and resolution, before the checks.
/// </summary>
internal abstract class InjectedBug
{
    public abstract string Name { get; }

    public virtual Task DuringWorkloadAsync(BugContext context) => Task.CompletedTask;

    public virtual Task BeforeChecksAsync(BugContext context) => Task.CompletedTask;

    /// <summary>The bugs by the names <c>--inject-bug</c> takes.</summary>
    public static InjectedBug? Named(string? name) => name switch
    {
        null or "" => null,
        ForgottenIdempotencyKeys.BugName => new ForgottenIdempotencyKeys(),
        TamperedBalance.BugName => new TamperedBalance(),
        DeletedTransfer.BugName => new DeletedTransfer(),
        UnsettledInvestment.BugName => new UnsettledInvestment(),
        CancelWithoutRefund.BugName => new CancelWithoutRefund(),
        _ => throw new ArgumentException(
            $"Unknown bug '{name}': {ForgottenIdempotencyKeys.BugName}, {TamperedBalance.BugName}, {DeletedTransfer.BugName}, "
            + $"{UnsettledInvestment.BugName} or {CancelWithoutRefund.BugName}.", nameof(name)),
    };
}
