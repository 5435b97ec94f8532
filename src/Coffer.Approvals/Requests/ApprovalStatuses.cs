namespace Coffer.Approvals.Requests;

/// <summary>
/// pending → approved (the M-th signature) → executed (the execution job); pending → rejected (a partner) or expired (the TTL).
/// Every other transition is refused: <see cref="Assert"/> throws, and the endpoints answer 409 <c>invalid_transition</c> first.
/// </summary>
internal static class ApprovalStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Executed = "executed";
    public const string Rejected = "rejected";
    public const string Expired = "expired";

    public static readonly IReadOnlyList<string> All = [Pending, Approved, Executed, Rejected, Expired];

    public static bool CanBecome(string from, string to) => (from, to) switch
    {
        (Pending, Approved or Rejected or Expired) => true,
        (Approved, Executed) => true,
        _ => false,
    };

    public static void Assert(string from, string to)
    {
        if (!CanBecome(from, to))
        {
            throw new InvalidOperationException($"An approval cannot go from {from} to {to}.");
        }
    }
}
