using System.Security.Claims;
using System.Text.Json;
using Coffer.Platform.Identity;
using Coffer.Platform.Paging;
using Coffer.Platform.Problems;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Coffer.Platform.Audit;

internal static class AuditEndpoints
{
    /// <summary>An audit event as operators read it; <c>before</c>/<c>after</c> are the redacted snapshots.</summary>
    public sealed record AuditEventResponse(
        Guid Id, DateTimeOffset OccurredAt, string Actor, string ActorType, string Action, string ResourceType, string ResourceId,
        string? RequestId, string? IpAddress, string? UserAgent, JsonElement? Before, JsonElement? After,
        string ChainId, long Sequence, string PreviousHash, string Hash)
    {
        public static AuditEventResponse From(AuditEvent e) => new(
            e.Id, e.OccurredAt, e.Actor, e.ActorType, e.Action, e.ResourceType, e.ResourceId, e.RequestId, e.IpAddress, e.UserAgent,
            Parse(e.Before), Parse(e.After), e.ChainId, e.Sequence, e.PreviousHash, e.Hash);

        private static JsonElement? Parse(string? json)
        {
            if (json is null)
            {
                return null;
            }
            using var document = JsonDocument.Parse(json); // returns its pooled buffers; the clone owns its own
            return document.RootElement.Clone();
        }
    }

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/audit", List)
            .RequireRoles(Roles.Operator, Roles.Admin)
            .RequireRateLimit(RateLimitSettings.Admin)
            .WithTags("Audit")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The tenant's audit trail, newest first, filtered by resource or actor");
    }

    private static async Task<Results<Ok<Page<AuditEventResponse>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, AuditQueries queries, HttpContext http, CancellationToken cancellationToken,
        string? resourceType = null, string? resourceId = null, string? actor = null, int? limit = null, string? cursor = null)
    {
        var errors = new ValidationErrors();
        var size = Page<AuditEventResponse>.SizeOf(errors, limit);
        if (!Cursor.TryDecode(cursor, out var before))
        {
            errors.Add("cursor", "Not a cursor this API returned.");
        }
        foreach (var (name, value) in new[] { ("resourceType", resourceType), ("resourceId", resourceId), ("actor", actor) })
        {
            if (value is { Length: 0 or > 255 })
            {
                errors.Add(name, "1 to 255 characters.");
            }
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var rows = await queries.ListAsync(
            new AuditQueries.Filter(Caller.From(user).Tenant, resourceType, resourceId, actor, before, size + 1), cancellationToken);
        return TypedResults.Ok(Page<AuditEventResponse>.From(rows, size, AuditEventResponse.From, e => e.Id));
    }
}
