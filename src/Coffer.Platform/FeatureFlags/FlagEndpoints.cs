using System.Security.Claims;
using System.Text.Json;
using Coffer.Platform.Identity;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.FeatureFlags;

/// <summary>
/// <c>/api/v1/admin/flags</c> for administrators of the platform tenant, and <c>GET /api/v1/flags/evaluate</c> for
/// every caller.
/// </summary>
public static class FlagEndpoints
{
    /// <summary>Most flags that may exist: flags are for releases and emergencies, and retired ones are deleted.</summary>
    public const int MaxFlags = 500;

    public const int MaxKeysPerEvaluation = 50;

    public static void MapFlagEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin/flags")
            .WithTags("Feature flags")
            .RequireRoles(Roles.Admin)
            .RequirePlatformTenant(services => services.GetRequiredService<FlagSettings>().PlatformTenant)
            .RequireRateLimit(RateLimitSettings.Admin);
        admin.MapGet("/", List).WithSummary("Every flag, and the declared flags that are not stored (off for everyone)")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/{key}", Get).WithSummary("One flag, with its ETag")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPut("/{key}", Put).WithSummary("Create or replace a flag (If-Match optional); audited")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        admin.MapDelete("/{key}", Delete).WithSummary("Delete a flag: it evaluates to off from then on (If-Match optional); audited")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        app.MapGet("/api/v1/flags/evaluate", Evaluate)
            .WithTags("Feature flags")
            .RequireRoles(Roles.Customer, Roles.Operator, Roles.Admin, Roles.Partner, Roles.Service)
            .RequireRateLimit(RateLimitSettings.Reads)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The caller's value of each flag in 'keys' (comma-separated), optionally for a fund");
    }

    private static async Task<Ok<FlagList>> List(FlagCache cache, FlagCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await cache.ReloadAsync(null, cancellationToken); // administrators read the database, not a cache
        var items = snapshot.Flags.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => FlagResponse.From(f, catalog)).ToList();
        var missing = catalog.Declared.Select(d => d.Key).Where(k => snapshot.Find(k) is null).Order(StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new FlagList(items, missing));
    }

    private static async Task<Results<Ok<FlagResponse>, ProblemHttpResult>> Get(
        string key, FlagCache cache, FlagCatalog catalog, HttpContext http, CancellationToken cancellationToken)
    {
        var snapshot = await cache.ReloadAsync(null, cancellationToken);
        if (snapshot.Find(key)?.Definition is not { } flag)
        {
            return Failure.NotFound("flag").ToProblem(http);
        }
        http.Response.Headers.ETag = FlagChanges.ETagOf(flag);
        return TypedResults.Ok(FlagResponse.From(flag, catalog));
    }

    private static async Task<Results<Ok<FlagResponse>, Created<FlagResponse>, ProblemHttpResult>> Put(
        string key, FlagRequest request, ClaimsPrincipal user, FlagChanges changes, FlagCatalog catalog, HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!FlagCatalog.IsValidKey(key))
        {
            errors.Add("key", $"Lower-case letters, digits, '_', '.' and '-', starting with a letter; at most {FlagCatalog.MaxKeyLength} characters.");
        }
        if (!FlagPrecondition.TryParse(http.Request.Headers.IfMatch, out var precondition))
        {
            errors.Add("If-Match", "'*' or one ETag this API returned.");
        }
        var change = request.Validate(errors);
        if (errors.Any || change is null)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var outcome = await changes.SaveAsync(Caller.From(user), key, change.Value, precondition, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return outcome.Failure.ToProblem(http);
        }
        var (flag, created) = outcome.Value;
        http.Response.Headers.ETag = FlagChanges.ETagOf(flag);
        var response = FlagResponse.From(flag, catalog);
        return created ? TypedResults.Created($"/api/v1/admin/flags/{key}", response) : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string key, ClaimsPrincipal user, FlagChanges changes, HttpContext http, CancellationToken cancellationToken)
    {
        if (!FlagPrecondition.TryParse(http.Request.Headers.IfMatch, out var precondition))
        {
            return Failure.Validation("If-Match", "'*' or one ETag this API returned.").ToProblem(http);
        }
        var outcome = await changes.DeleteAsync(Caller.From(user), key, precondition, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : outcome.Failure.ToProblem(http);
    }

    private static async Task<Results<Ok<FlagEvaluations>, ProblemHttpResult>> Evaluate(
        ClaimsPrincipal user, FeatureFlags flags, HttpContext http, CancellationToken cancellationToken, string? keys = null, string? fund = null)
    {
        var requested = (keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        var errors = new ValidationErrors();
        if (requested.Count is 0 or > MaxKeysPerEvaluation)
        {
            errors.Add("keys", $"1 to {MaxKeysPerEvaluation} flag keys, comma-separated.");
        }
        if (requested.FirstOrDefault(k => !FlagCatalog.IsValidKey(k)) is { } invalid)
        {
            errors.Add("keys", $"'{invalid[..Math.Min(invalid.Length, FlagCatalog.MaxKeyLength)]}' is not a flag key.");
        }
        errors.OptionalText("fund", fund, 64);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var subject = FlagSubject.Of(Caller.From(user), fund);
        var items = new List<FlagEvaluation>(requested.Count);
        foreach (var key in requested)
        {
            var decision = await flags.EvaluateAsync(key, subject, cancellationToken);
            items.Add(new FlagEvaluation(key, decision.Enabled, JsonNamingPolicy.SnakeCaseLower.ConvertName(decision.Reason.ToString())));
        }
        // Per caller: no shared cache may hand one subject's answers to another.
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.Ok(new FlagEvaluations(items));
    }
}
