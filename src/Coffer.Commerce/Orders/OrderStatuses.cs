namespace Coffer.Commerce.Orders;

/// <summary>
/// An order's life, as one table of legal moves: <c>pending_payment → paid → fulfilled → shipped → delivered</c>, cancellation
/// before shipping, and <c>delivered → refunded</c> once refunds add up to the total. Every pair not in the table is illegal
/// (409 <c>invalid_transition</c>), the same state included.
/// </summary>
internal static class OrderStatuses
{
    public const string PendingPayment = "pending_payment";
    public const string Paid = "paid";
    public const string Fulfilled = "fulfilled";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";

    public static readonly IReadOnlyList<string> All = [PendingPayment, Paid, Fulfilled, Shipped, Delivered, Cancelled, Refunded];

    /// <summary>Who may make a move: the payment (a captured hold, a provider's webhook), staff, or the refunds.</summary>
    public enum Trigger
    {
        Payment,
        Staff,
        Refunds,
    }

    private static readonly Dictionary<(string From, string To), Trigger> Moves = new()
    {
        [(PendingPayment, Paid)] = Trigger.Payment,
        [(PendingPayment, Cancelled)] = Trigger.Staff,
        [(Paid, Fulfilled)] = Trigger.Staff,
        [(Paid, Cancelled)] = Trigger.Staff,
        [(Fulfilled, Shipped)] = Trigger.Staff,
        [(Fulfilled, Cancelled)] = Trigger.Staff,
        [(Shipped, Delivered)] = Trigger.Staff,
        [(Delivered, Refunded)] = Trigger.Refunds,
    };

    /// <summary>Whether <paramref name="from"/> → <paramref name="to"/> is a legal move at all.</summary>
    public static bool CanMove(string from, string to) => Moves.ContainsKey((from, to));

    /// <summary>Whether <paramref name="trigger"/> may make the move <paramref name="from"/> → <paramref name="to"/>.</summary>
    public static bool CanMove(string from, string to, Trigger trigger) => Moves.TryGetValue((from, to), out var by) && by == trigger;

    /// <summary>The legal moves (for documentation and tests).</summary>
    public static IEnumerable<(string From, string To, Trigger By)> Legal => Moves.Select(m => (m.Key.From, m.Key.To, m.Value));

    /// <summary>Before shipping an order can be cancelled; its stock goes back and its payment is returned in full.</summary>
    public static bool IsBeforeShipping(string status) => status is PendingPayment or Paid or Fulfilled;
}
