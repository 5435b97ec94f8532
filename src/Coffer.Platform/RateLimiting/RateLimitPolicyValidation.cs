using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.RateLimiting;

/// <summary>A policy and its defaults as a module declared it (<see cref="RateLimitingSetup.AddRateLimitPolicy"/>).</summary>
internal sealed record RateLimitPolicyDeclaration(RateLimitPolicySettings Defaults);

/// <summary>
/// Fails start-up when an endpoint names a rate limit policy that is neither declared nor configured. ASP.NET Core's
/// middleware only finds out at the endpoint's first request, and then answers every request to it with a 500.
/// A start-up filter, not a hosted service: the application's endpoints reach the routing's data source only once its
/// pipeline is built, after the other hosted services have started; the check runs right then, before the server listens.
/// </summary>
internal sealed class RateLimitPolicyValidation(RateLimitSettings settings, EndpointDataSource endpoints) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        Validate();
    };

    public void Validate()
    {
        var unknown = endpoints.Endpoints
            .SelectMany(e => e.Metadata.OfType<EnableRateLimitingAttribute>()
                .Where(m => m.PolicyName is not null)
                .Select(m => (Endpoint: e.DisplayName, Policy: m.PolicyName!)))
            .Where(x => !settings.Policies.ContainsKey(x.Policy))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException("Endpoints require unknown rate limit policies: "
                + string.Join("; ", unknown.Select(x => $"{x.Endpoint} requires '{x.Policy}'"))
                + ". Declare each with services.AddRateLimitPolicy(name, permits, window).");
        }
    }
}
