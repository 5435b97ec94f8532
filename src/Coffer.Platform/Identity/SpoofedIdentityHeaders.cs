using System.Diagnostics.Metrics;
using Coffer.Platform.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Platform.Identity;

/// <summary>
/// Identity comes only from the verified token. Headers that claim an identity (<c>X-User-Id</c>, <c>X-Tenant-Id</c>,
/// <c>X-Role</c>, <c>X-Forwarded-User</c>; <c>Coffer:Auth:SpoofedHeaders</c> replaces the list) are removed before anything
/// can read them, and each occurrence is logged as a warning (the value redacted) and counted in
/// <c>coffer_spoofed_identity_headers_total{header}</c>: a client sending them is either misconfigured or probing.
/// </summary>
public sealed partial class SpoofedIdentityHeaders
{
    public static readonly IReadOnlyList<string> DefaultHeaders = ["X-User-Id", "X-Tenant-Id", "X-Role", "X-Forwarded-User"];

    private readonly string[] _headers;
    private readonly Counter<long> _counter;
    private readonly ILogger<SpoofedIdentityHeaders> _logger;

    public SpoofedIdentityHeaders(IConfiguration configuration, IMeterFactory meterFactory, ILogger<SpoofedIdentityHeaders> logger)
    {
        _headers = configuration.GetSection("Coffer:Auth:SpoofedHeaders").Get<string[]>() is { Length: > 0 } configured
            ? configured
            : [.. DefaultHeaders];
        _counter = meterFactory.Create(PlatformMetrics.MeterName).CreateCounter<long>("coffer.spoofed_identity_headers",
            description: "Requests carrying a header that claims an identity, by header; such headers are removed and never trusted.");
        _logger = logger;
    }

    public void Strip(HttpContext http)
    {
        var headers = http.Request.Headers;
        foreach (var name in _headers)
        {
            if (headers.Remove(name, out var value))
            {
                _counter.Add(1, new KeyValuePair<string, object?>("header", name));
                LogSpoofed(_logger, name, value.ToString(), http.Request.Method, http.Request.Path.Value ?? "");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Identity header {Header} ignored and removed on {Method} {Path} (identity comes only from the token); value {Value}")]
    private static partial void LogSpoofed(ILogger logger, string header, [PersonalData] string value, string method, string path);
}

public static class SpoofedIdentityHeadersExtensions
{
    /// <summary>Removes identity-claiming headers before authentication and everything after it runs.</summary>
    public static IApplicationBuilder UseSpoofedIdentityHeaderGate(this IApplicationBuilder app)
    {
        var gate = app.ApplicationServices.GetRequiredService<SpoofedIdentityHeaders>();
        return app.Use((http, next) =>
        {
            gate.Strip(http);
            return next(http);
        });
    }
}
