namespace Coffer.Investments.Investing;

/// <summary>
/// An investment's lifecycle (docs/investments.md has the diagram):
/// <c>pending</c> (placed, no money moved) → <c>executing</c> (execution queued) → <c>active</c> (principal in custody, and
/// placed at the partner if the product has one) or <c>failed</c> (with a reason; any debit compensated);
/// <c>active</c> → <c>redeeming</c> (redemption queued) → <c>redeemed</c> (principal and accrued return paid back).
/// </summary>
internal static class InvestmentStatuses
{
    public const string Pending = "pending";
    public const string Executing = "executing";
    public const string Active = "active";
    public const string Failed = "failed";
    public const string Redeeming = "redeeming";
    public const string Redeemed = "redeemed";

    public static readonly IReadOnlyList<string> All = [Pending, Executing, Active, Failed, Redeeming, Redeemed];

    private static readonly HashSet<(string From, string To)> Allowed =
    [
        (Pending, Executing), (Executing, Active), (Executing, Failed), (Active, Redeeming), (Redeeming, Redeemed),
    ];

    public static bool CanMove(string from, string to) => Allowed.Contains((from, to));

    /// <summary>Asserts a transition: callers check <see cref="CanMove"/> (or a conditional update) first, so this throwing is a bug.</summary>
    public static void Require(string from, string to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"An investment cannot move from {from} to {to}.");
        }
    }
}
