using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Coffer.Platform.Identity;
using Coffer.Platform.Observability;
using Coffer.Platform.Problems;
using Coffer.Platform.Redis;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.RateLimiting;

/// <summary>
/// Named rate-limit policies on ASP.NET Core's rate limiting middleware, partitioned by principal (tenant and subject;
/// anonymous callers by client IP), counted in Redis when configured (<see cref="RedisSlidingWindow"/>), in-process
/// otherwise. A refusal is 429 problem+json <c>rate_limited</c> with <c>Retry-After</c>, <c>RateLimit-Policy</c> and
/// <c>RateLimit</c> headers, counted in <c>coffer_rate_limited_total{policy}</c>.
/// </summary>
public static partial class RateLimitingSetup
{
    /// <summary>
    /// Registers the limiter with the built-in policies (<see cref="RateLimitSettings.Writes"/>, <see cref="RateLimitSettings.Reads"/>,
    /// <see cref="RateLimitSettings.Admin"/>). Settings and policies are built when first resolved, from every declaration,
    /// so a module may declare its policies before or after this call.
    /// </summary>
    public static IServiceCollection AddCofferRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var policy in RateLimitSettings.BuiltIn)
        {
            services.AddRateLimitPolicy(policy.Name, policy.Permits, policy.Window, policy.OnRedisFailure);
        }
        services.AddSingleton(sp => RateLimitSettings.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(), sp.GetServices<RateLimitPolicyDeclaration>().Select(d => d.Defaults)));
        // Whether Redis counts is a deployment choice, known from configuration alone.
        if (RedisConnection.ConfiguredIn(configuration) is not null)
        {
            services.AddSingleton<RedisSlidingWindow>();
        }
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RateLimitSettings>((options, settings) =>
        {
            foreach (var policy in settings.Policies.Values)
            {
                options.AddPolicy(policy.Name, new Policy(policy));
            }
            options.OnRejected = (context, cancellationToken) => RejectAsync(context, settings, cancellationToken);
        });
        services.AddTransient<IStartupFilter, RateLimitPolicyValidation>();
        return services;
    }

    /// <summary>
    /// Declares a policy a module's endpoints name (<see cref="RequireRateLimit"/>): <paramref name="permits"/> requests per
    /// sliding <paramref name="window"/>, per principal. <c>Coffer:RateLimits:Policies:&lt;name&gt;:Permits</c>,
    /// <c>WindowSeconds</c> and <c>OnRedisFailure</c> override these defaults, as for the built-in policies.
    /// </summary>
    /// <param name="name">Lower-case letters, digits, '_', '.' and '-', starting with a letter, at most 64 characters.</param>
    public static IServiceCollection AddRateLimitPolicy(this IServiceCollection services, string name, int permits, TimeSpan window,
        RedisFailureMode onRedisFailure = RedisFailureMode.Local)
    {
        // No ':' in a name: the Redis key is "{prefix}:{policy}:{principal}", and a policy must never reach into another's keys.
        if (!PolicyNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid rate limit policy name.", nameof(name));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(permits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        return services.AddSingleton(new RateLimitPolicyDeclaration(new RateLimitPolicySettings(name, permits, window, onRedisFailure)));
    }

    [GeneratedRegex("^[a-z][a-z0-9_.-]{0,63}$")]
    private static partial Regex PolicyNamePattern();

    /// <summary>Attaches a named policy to an endpoint or group.</summary>
    public static TBuilder RequireRateLimit<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(policy);

    /// <summary>
    /// Attaches <see cref="RateLimitSettings.Reads"/> to GET endpoints and <see cref="RateLimitSettings.Writes"/> to the
    /// others of a group, unless an endpoint names its own policy.
    /// </summary>
    public static RouteGroupBuilder WithRateLimitsByMethod(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<EnableRateLimitingAttribute>().Any() || endpoint.Metadata.OfType<DisableRateLimitingAttribute>().Any())
            {
                return;
            }
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            var reads = methods.Count > 0 && methods.All(m => m is "GET" or "HEAD");
            endpoint.Metadata.Add(new EnableRateLimitingAttribute(reads ? RateLimitSettings.Reads : RateLimitSettings.Writes));
        });
        return group;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, RateLimitSettings settings, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var name = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "global";
        var policy = settings.Policies.GetValueOrDefault(name);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : policy?.Window ?? TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var unavailable = context.Lease.TryGetMetadata(CofferRateLimiter.Reason, out var reason) && reason == "unavailable";
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (policy is not null)
        {
            // draft-ietf-httpapi-ratelimit-headers: the policy (quota q over window w seconds) and the current state.
            http.Response.Headers["RateLimit-Policy"] = $"\"{policy.Name}\";q={policy.Permits};w={(int)policy.Window.TotalSeconds}";
            http.Response.Headers["RateLimit"] = $"\"{policy.Name}\";r=0;t={seconds}";
        }
        var failure = unavailable
            ? new Failure(503, "rate_limiter_unavailable", "Rate limiting is unavailable",
                $"The shared rate limiter cannot be reached and policy '{name}' refuses requests meanwhile; retry after {seconds} s.")
            : new Failure(429, "rate_limited", "Too many requests",
                $"Policy '{name}' allows {policy?.Permits} requests per {policy?.Window.TotalSeconds} s; retry after {seconds} s.");
        await failure.ToProblem(http).ExecuteAsync(http);
    }

    /// <summary>Partitions by principal; each partition gets its own <see cref="CofferRateLimiter"/>.</summary>
    private sealed class Policy(RateLimitPolicySettings policy) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            var key = httpContext.User.Identity?.IsAuthenticated == true
                ? $"{httpContext.User.FindFirst(Caller.TenantClaim)?.Value}:{httpContext.User.FindFirst(Caller.SubjectClaim)?.Value}"
                : $"ip:{httpContext.Connection.RemoteIpAddress}";
            var services = httpContext.RequestServices; // singletons only: the limiter outlives the request
            return RateLimitPartition.Get(key, partition => new CofferRateLimiter(policy, partition,
                services.GetService<RedisSlidingWindow>(), services.GetRequiredService<PlatformMetrics>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Coffer.RateLimiting")));
        }
    }
}
