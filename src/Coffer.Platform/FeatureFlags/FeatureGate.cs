using Coffer.Platform.Identity;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.FeatureFlags;

/// <summary>Endpoint metadata: the endpoint runs only while <see cref="Key"/> is on for the caller.</summary>
/// <param name="FundRouteValue">The route value naming the fund the request acts on, for fund-level overrides.</param>
public sealed record RequiresFeatureMetadata(string Key, string? FundRouteValue);

public static class FeatureGate
{
    /// <summary>
    /// Runs the endpoint only while flag <paramref name="key"/> is on for the caller (and the fund named by route value
    /// <paramref name="fundRouteValue"/>); otherwise 403 <c>feature_disabled</c> naming the flag. The key must be declared
    /// (<see cref="FeatureFlagSetup.AddFeatureFlag"/>): an undeclared one fails start-up.
    /// </summary>
    public static TBuilder RequireFeature<TBuilder>(this TBuilder builder, string key, string? fundRouteValue = null)
        where TBuilder : IEndpointConventionBuilder
    {
        if (!FlagCatalog.IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid flag key.", nameof(key));
        }
        builder.WithMetadata(
            new RequiresFeatureMetadata(key, fundRouteValue),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), [ProblemFactory.ContentType]));
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Description = ($"{operation.Description}\n\nRequires feature flag `{key}`: while it is off for the caller, "
                + "the answer is 403 `feature_disabled`.").Trim();
            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>
    /// The gate, after authorization: each flag an endpoint requires is evaluated for the caller from the request's one
    /// snapshot; the first that is off ends the request with 403.
    /// </summary>
    public static IApplicationBuilder UseFeatureGate(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var required = http.GetEndpoint()?.Metadata.GetOrderedMetadata<RequiresFeatureMetadata>() ?? [];
        if (required.Count > 0)
        {
            var flags = http.RequestServices.GetRequiredService<FeatureFlags>();
            foreach (var requirement in required)
            {
                var fund = requirement.FundRouteValue is { } name ? http.GetRouteValue(name)?.ToString() : null;
                var subject = http.User.Identity?.IsAuthenticated == true
                    ? FlagSubject.Of(Caller.From(http.User), fund)
                    : new FlagSubject(null, null, fund);
                var decision = await flags.EvaluateAsync(requirement.Key, subject, http.RequestAborted);
                if (!decision.Enabled)
                {
                    await Disabled(decision).ToProblem(http).ExecuteAsync(http);
                    return;
                }
            }
        }
        await next(http);
    });

    public static Failure Disabled(FlagDecision decision) =>
        new Failure(403, "feature_disabled", "Feature disabled",
                $"The feature '{decision.Key}' is not enabled for you.")
            .With("flag", decision.Key);
}
