using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Coffer.Platform.Identity;

/// <summary>
/// Answers a service token that lacks a scope with 403 problem <c>insufficient_scope</c> and
/// <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="…"</c> (RFC 6750); everything else as usual.
/// </summary>
internal sealed class InsufficientScopeResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var missing = authorizeResult.Forbidden
            ? authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ServiceScopeRequirement>().FirstOrDefault()
            : null;
        if (missing is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{missing.Scope}\"";
        await new Failure(403, "insufficient_scope", "Insufficient scope",
            $"This service token lacks the scope '{missing.Scope}' this endpoint needs.").ToProblem(context).ExecuteAsync(context);
    }
}
