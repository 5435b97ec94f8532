using System.Globalization;
using System.Text.Json;
using Coffer.Platform.Approvals;
using System.Text.RegularExpressions;
using Coffer.Platform.Persistence;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Problems;

/// <summary>
/// The one place unexpected exceptions become responses: malformed input is a 400, an exhausted
/// database retry a 503, and everything else a 500 without internals.
/// </summary>
public sealed partial class CofferExceptionHandler(ILogger<CofferExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away; nobody reads this response
        }
        var failure = Classify(exception);
        if (failure.Status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        var problem = ProblemFactory.Create(httpContext, failure);
        httpContext.Response.StatusCode = failure.Status;
        if (failure.Status == 503)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }
        if (exception is ApprovalRateLimitedException limited)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        await httpContext.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, ProblemFactory.ContentType, cancellationToken);
        return true;
    }

    internal static Failure Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: 413 } => new Failure(413, "payload_too_large", "The request body is too large"),
        BadHttpRequestException bad => Failure.Validation(FieldOf(bad), DescribeBadRequest(bad)),
        JsonException json => Failure.Validation(JsonField(json.Path ?? "$"), "The body is not valid JSON for this request."),
        ApprovalRateLimitedException limited => new Failure(429, "approval_rate_limited", "Too many approval requests",
            "Approval requests of these same inputs are pending or recent; wait for them to be decided, or retry later.")
            .With("operation", limited.Operation),
        DbFailureException { IsTransient: true } or DbFailureException { Kind: DbFailureKind.LockTimeout } =>
            new Failure(503, "database_busy", "The database is busy", "Retry the request with the same Idempotency-Key."),
        _ => new Failure(500, "internal_error", "An unexpected error occurred",
            "The error was logged; quote the traceId when you report it."),
    };

    private static string FieldOf(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException { Path: { } path } => JsonField(path),
        _ when BoundParameter().Match(bad.Message) is { Success: true } match => match.Groups["name"].Value,
        _ => "body",
    };

    /// <summary>"$.transfers[3].amount" becomes "transfers[3].amount", the form handler validation uses.</summary>
    internal static string JsonField(string path) => path is "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string DescribeBadRequest(BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException { Message: var message } when message.Contains("could not be mapped", StringComparison.Ordinal) =>
            "Unknown property.",
        JsonException { Message: var message } when message.Contains("missing required", StringComparison.Ordinal) =>
            "A required property is missing.",
        JsonException => "The value is not valid JSON of the expected type (amounts are integers in minor units).",
        _ when BoundParameter().IsMatch(bad.Message) => "Not a valid value of the expected type.",
        _ when bad.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase) => "The body must be application/json.",
        _ when bad.Message.Contains("body was expected", StringComparison.OrdinalIgnoreCase) => "A JSON body is required.",
        _ => "The request is malformed.",
    };

    /// <summary>Matches the framework's binding failure: Failed to bind parameter "Nullable&lt;int&gt; limit" from "abc".</summary>
    [GeneratedRegex("""(?:Failed to bind parameter|Required parameter) "(?:[^"]*\s)?(?<name>\w+)" """)]
    private static partial Regex BoundParameter();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
