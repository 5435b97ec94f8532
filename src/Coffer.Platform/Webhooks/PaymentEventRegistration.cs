using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Webhooks;

/// <summary>How a module claims a payment event type: <c>services.AddPaymentEventHandler&lt;DepositSucceededEvent&gt;()</c> in its <c>Add…Module</c>.</summary>
public static class PaymentEventRegistration
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> (a singleton) for its <see cref="IPaymentEventHandler.EventType"/>. The job
    /// type it names needs its own <c>AddJobHandler</c>; a second handler for the same event type fails start-up.
    /// </summary>
    public static IServiceCollection AddPaymentEventHandler<THandler>(this IServiceCollection services)
        where THandler : class, IPaymentEventHandler =>
        // Not TryAddEnumerable: the same handler registered twice is a duplicate claim too, and is reported as one.
        services.AddSingleton<IPaymentEventHandler, THandler>();
}
