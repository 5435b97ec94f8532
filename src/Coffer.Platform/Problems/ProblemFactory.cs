using System.Diagnostics;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Coffer.Platform.Problems;

/// <summary>
/// Builds every problem+json body Coffer writes, so that each one carries a stable <c>type</c>,
/// a machine <c>code</c> and the <c>traceId</c> of the request.
/// </summary>
public static class ProblemFactory
{
    public const string ContentType = "application/problem+json";

    public static string TypeFor(string code) => $"urn:coffer:problem:{code}";

    public static ProblemDetails Create(HttpContext httpContext, Failure failure)
    {
        var problem = new ProblemDetails
        {
            Type = TypeFor(failure.Code),
            Title = failure.Title,
            Status = failure.Status,
            Detail = failure.Detail,
            Instance = httpContext.Request.Path,
        };
        problem.Extensions["code"] = failure.Code;
        foreach (var (name, value) in failure.Extensions)
        {
            problem.Extensions[name] = value;
        }
        problem.Extensions["traceId"] = TraceIdOf(httpContext);
        return problem;
    }

    /// <summary>Fills code, type and traceId into problems the framework creates (401, 403, 404, 405, 415 ...).</summary>
    public static void Complete(HttpContext httpContext, ProblemDetails problem)
    {
        var status = problem.Status ?? httpContext.Response.StatusCode;
        if (!problem.Extensions.ContainsKey("code"))
        {
            var code = CodeForStatus(status);
            problem.Extensions["code"] = code;
            problem.Type = TypeFor(code);
        }
        problem.Instance ??= httpContext.Request.Path;
        problem.Extensions.Remove("requestId");
        problem.Extensions["traceId"] = TraceIdOf(httpContext);
    }

    public static string CodeForStatus(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        429 => "rate_limited",
        503 => "service_unavailable",
        _ => status >= 500 ? "internal_error" : "error",
    };

    public static string TraceIdOf(HttpContext httpContext) =>
        Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier;
}
