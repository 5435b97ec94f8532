using System.Diagnostics;
using Microsoft.AspNetCore.HttpLogging;

namespace Coffer.Platform.Observability;

/// <summary>Which requests get a log line (<c>Coffer:Logging:Requests</c>).</summary>
public enum RequestLogging
{
    /// <summary>Failed (status ≥ 400) and slow requests: metrics already count every request.</summary>
    Failures,
    All,
    None,
}

/// <summary>
/// Drops the request log line of a request that succeeded quickly when only failures are logged. Writing a JSON line per
/// request costs about 15 % of the transfer throughput on a 2-core machine (docs/performance.md), and the per-route RED
/// metrics and the ingress's access log already account for every request.
/// </summary>
internal sealed class RequestLogPolicy(TelemetrySettings settings) : IHttpLoggingInterceptor
{
    private const HttpLoggingFields RequestLine = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath;

    public ValueTask OnRequestAsync(HttpLoggingInterceptorContext logContext)
    {
        // The request's fields would be collected now, before the outcome is known: they are added at the response instead.
        if (settings.RequestLogging == RequestLogging.Failures)
        {
            logContext.TryDisable(RequestLine);
        }
        return default;
    }

    public ValueTask OnResponseAsync(HttpLoggingInterceptorContext logContext)
    {
        if (settings.RequestLogging != RequestLogging.Failures)
        {
            return default;
        }
        var http = logContext.HttpContext;
        if (http.Response.StatusCode < 400 && !IsSlow(Activity.Current))
        {
            logContext.LoggingFields = HttpLoggingFields.None;
            return default;
        }
        logContext.AddParameter("Method", http.Request.Method);
        logContext.AddParameter("Path", http.Request.Path.Value);
        return default;
    }

    private bool IsSlow(Activity? request) =>
        request is not null && (DateTime.UtcNow - request.StartTimeUtc).TotalMilliseconds >= settings.SlowRequestMilliseconds;
}
