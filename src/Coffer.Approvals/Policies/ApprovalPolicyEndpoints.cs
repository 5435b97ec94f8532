using System.Security.Claims;
using System.Text.Json;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Coffer.Platform.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Approvals.Policies;

/// <summary>
/// /api/v1/approvals/policies (admins only): one versioned policy per operation. A change needs <c>If-Match</c> with the
/// current ETag (as feature flags do: <c>"&lt;version&gt;"</c>); a stale one → 412 <c>precondition_failed</c>, none on an
/// existing policy → 428 <c>precondition_required</c>. Every version is kept with who changed it, when, before and after.
/// </summary>
internal static class ApprovalPolicyEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record PolicyRequest(Dictionary<string, long>? Thresholds, int? RequiredSignatures, int? TtlSeconds);

    public static void MapApprovalPolicyEndpoints(this RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/policies").WithTags("Approval policies").RequireRoles(Roles.Admin);
        policies.MapGet("/", List).WithSummary("The tenant's approval policies");
        policies.MapGet("/{operation}", Get).WithSummary("One operation's policy, with its ETag");
        policies.MapPut("/{operation}", Put).RequireRateLimit(ApprovalRateLimits.Admin)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithSummary("Create or replace an operation's policy (If-Match with the current ETag to replace); audited and versioned");
        policies.MapGet("/{operation}/versions", Versions).WithSummary("The policy's versions, newest first: who changed what, when");
    }

    private static async Task<Ok<List<ApprovalPolicyResponse>>> List(ClaimsPrincipal user, DbSession session, CancellationToken cancellationToken)
    {
        var rows = await session.QueryAsync(ApprovalPolicy.All(Caller.From(user).Tenant), ApprovalPolicy.Read, cancellationToken);
        return TypedResults.Ok(rows.Select(ApprovalPolicyResponse.From).ToList());
    }

    private static async Task<Results<Ok<ApprovalPolicyResponse>, ProblemHttpResult>> Get(
        string operation, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken)
    {
        var policy = ApprovalOperations.All.Contains(operation)
            ? (await session.QueryAsync(ApprovalPolicy.Find(Caller.From(user).Tenant, operation), ApprovalPolicy.Read, cancellationToken)).SingleOrDefault()
            : null;
        if (policy is null)
        {
            return Failure.NotFound("approval policy").ToProblem(http);
        }
        http.Response.Headers.ETag = ApprovalPolicy.ETagOf(policy.Version);
        return TypedResults.Ok(ApprovalPolicyResponse.From(policy));
    }

    private static async Task<Results<Ok<List<ApprovalPolicyVersionResponse>>, ProblemHttpResult>> Versions(
        string operation, ClaimsPrincipal user, DbSession session, HttpContext http, CancellationToken cancellationToken,
        int? limit = null, long? before = null)
    {
        if (limit is < 1 or > 200)
        {
            return Failure.Validation("limit", "Between 1 and 200.").ToProblem(http);
        }
        var rows = await session.QueryAsync(ApprovalPolicyVersion.History(Caller.From(user).Tenant, operation, before, limit ?? 50),
            ApprovalPolicyVersion.Read, cancellationToken);
        return rows.Count == 0 && before is null
            ? Failure.NotFound("approval policy").ToProblem(http)
            : TypedResults.Ok(rows.Select(ApprovalPolicyVersionResponse.From).ToList());
    }

    private static async Task<Results<Ok<ApprovalPolicyResponse>, Created<ApprovalPolicyResponse>, ProblemHttpResult>> Put(
        string operation, PolicyRequest request, ClaimsPrincipal user, DbSession session, RecordClock clock, AuditTrail audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!ApprovalOperations.All.Contains(operation))
        {
            errors.Add("operation", $"One of: {string.Join(", ", ApprovalOperations.All.Order(StringComparer.Ordinal))}.");
        }
        if (!FlagPrecondition.TryParse(http.Request.Headers.IfMatch, out var precondition))
        {
            errors.Add("If-Match", "'*' or one ETag this API returned.");
        }
        var thresholds = Thresholds(errors, request.Thresholds);
        if (request.RequiredSignatures is not (>= ApprovalPolicy.MinSignatures and <= ApprovalPolicy.MaxSignatures))
        {
            errors.Add("requiredSignatures", $"Required, {ApprovalPolicy.MinSignatures} to {ApprovalPolicy.MaxSignatures}.");
        }
        var ttl = request.TtlSeconds ?? ApprovalPolicy.DefaultTtlSeconds;
        if (ttl is < ApprovalPolicy.MinTtlSeconds or > ApprovalPolicy.MaxTtlSeconds)
        {
            errors.Add("ttlSeconds", $"{ApprovalPolicy.MinTtlSeconds} to {ApprovalPolicy.MaxTtlSeconds} seconds (default 72 hours).");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        session.Operation = "approvals.policy.change";
        await session.BeginAsync(cancellationToken);
        try
        {
            var current = (await session.QueryAsync(ApprovalPolicy.Find(caller.Tenant, operation, session.Provider), ApprovalPolicy.Read,
                cancellationToken)).SingleOrDefault();
            if (PreconditionProblem(current, precondition, operation) is { } refused)
            {
                return refused.ToProblem(http);
            }
            var now = clock.Now();
            var saved = new ApprovalPolicy
            {
                Id = current?.Id ?? clock.NewId(now),
                TenantId = caller.Tenant,
                Operation = operation,
                Thresholds = JsonSerializer.Serialize(thresholds),
                RequiredSignatures = request.RequiredSignatures!.Value,
                TtlSeconds = ttl,
                Version = (current?.Version ?? 0) + 1,
                UpdatedBy = caller.Subject,
                CreatedAt = current?.CreatedAt ?? now,
                UpdatedAt = now,
            };
            var before = current is null ? null : ApprovalPolicyResponse.From(current);
            var after = ApprovalPolicyResponse.From(saved);
            var version = new ApprovalPolicyVersion(clock.NewId(now), caller.Tenant, operation, saved.Version, caller.Subject, now,
                before is null ? null : JsonSerializer.Serialize(before, Json), JsonSerializer.Serialize(after, Json));
            audit.Record(caller.Tenant, current is null ? "approval_policy.created" : "approval_policy.updated", "approval_policy", operation,
                before, after);
            var affected = await session.CommitAsync(
                [current is null ? ApprovalPolicy.Insert(saved) : ApprovalPolicy.Update(saved, current.Version), ApprovalPolicyVersion.Insert(version)],
                cancellationToken);
            if (affected[0] != 1)
            {
                // Unreachable while the row is locked (PostgreSQL) or the writer is single (SQLite): a lost update is a bug.
                throw new InvalidOperationException($"The policy of '{operation}' changed under its lock.");
            }
            http.Response.Headers.ETag = ApprovalPolicy.ETagOf(saved.Version);
            return current is null ? TypedResults.Created($"/api/v1/approvals/policies/{operation}", after) : TypedResults.Ok(after);
        }
        catch (DbFailureException failure) when (failure.Kind == DbFailureKind.UniqueViolation)
        {
            // Two first creations raced on (tenant, operation): the loser's "absent" precondition no longer holds.
            return ApprovalFailures.PreconditionFailed(operation).ToProblem(http);
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    /// <summary>Creating needs no If-Match (or none but an absent one); replacing needs the current ETag.</summary>
    private static Failure? PreconditionProblem(ApprovalPolicy? current, FlagPrecondition precondition, string operation)
    {
        if (current is null)
        {
            return precondition.Any || precondition.Version is not null ? ApprovalFailures.PreconditionFailed(operation) : null;
        }
        if (!precondition.Any && precondition.Version is null)
        {
            return ApprovalFailures.PreconditionRequired;
        }
        return precondition.Version is { } version && version != current.Version ? ApprovalFailures.PreconditionFailed(operation) : null;
    }

    private static SortedDictionary<string, long> Thresholds(ValidationErrors errors, Dictionary<string, long>? thresholds)
    {
        var map = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (thresholds is null)
        {
            errors.Add("thresholds", "Required: an object of ISO currency → minor units (may be empty: every amount is gated).");
            return map;
        }
        if (thresholds.Count > ApprovalPolicy.MaxCurrencies)
        {
            errors.Add("thresholds", $"At most {ApprovalPolicy.MaxCurrencies} currencies.");
        }
        foreach (var (currency, minor) in thresholds)
        {
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            {
                errors.Add($"thresholds.{currency}", "An ISO 4217 code: three upper-case letters.");
            }
            else if (minor < 0)
            {
                errors.Add($"thresholds.{currency}", "Minor units, zero or more.");
            }
            else
            {
                map[currency] = minor;
            }
        }
        return map;
    }
}
