namespace Coffer.Platform.Webhooks;

/// <summary>
/// The payment event types this process acts on, each with the one handler that owns it. Built from every registered
/// <see cref="IPaymentEventHandler"/>; two handlers claiming one type is a composition error, refused when the registry is
/// built (at start-up, by <see cref="PaymentEventValidation"/>) rather than letting registration order pick a winner.
/// </summary>
public sealed class PaymentEventHandlers
{
    /// <summary>Longest event type the webhook reads (the provider's names are short; a longer one is a malformed event).</summary>
    public const int MaxEventTypeLength = 100;

    private readonly Dictionary<string, IPaymentEventHandler> _handlers = new(StringComparer.Ordinal);

    public PaymentEventHandlers(IEnumerable<IPaymentEventHandler> handlers)
    {
        foreach (var handler in handlers)
        {
            var type = handler.EventType;
            if (string.IsNullOrWhiteSpace(type) || type.Length > MaxEventTypeLength)
            {
                throw new InvalidOperationException(
                    $"{handler.GetType().FullName} handles the payment event type '{type}'; a type is 1 to {MaxEventTypeLength} characters.");
            }
            if (_handlers.TryGetValue(type, out var first))
            {
                throw new InvalidOperationException($"Payment event '{type}' has two handlers: {first.GetType().FullName} and "
                    + $"{handler.GetType().FullName}. One module owns each event type.");
            }
            _handlers.Add(type, handler);
        }
    }

    public IReadOnlyCollection<string> Types => _handlers.Keys;

    /// <summary>The handler owning <paramref name="eventType"/>, or null when no module acts on it (the event is ignored).</summary>
    public IPaymentEventHandler? For(string eventType) => _handlers.GetValueOrDefault(eventType);
}
