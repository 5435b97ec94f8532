using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Webhooks;

/// <summary>
/// Builds the <see cref="PaymentEventHandlers"/> registry at start-up, so that two modules claiming one event type stop the
/// deployment before the server listens instead of failing the provider's first delivery of that type (a 500 it would retry
/// for days). Runs in every role: a worker-only process maps no webhook but is composed from the same modules.
/// </summary>
internal sealed class PaymentEventValidation(IServiceProvider services) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        services.GetRequiredService<PaymentEventHandlers>();
        next(app);
    };
}
