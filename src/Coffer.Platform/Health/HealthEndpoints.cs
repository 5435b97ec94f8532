using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Coffer.Platform.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coffer.Platform.Health;

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    private static readonly DateTimeOffset StartedAt = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// <c>/health/live</c> (alias <c>/live</c>): the process answers. <c>/health/ready</c> (alias <c>/ready</c>): its
    /// dependencies do too; probes call these anonymously. <c>/health</c>: the detailed view for operators and
    /// admins, with each dependency's check latency, memory, uptime and version.
    /// </summary>
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/health/live", "/live" })
        {
            app.MapHealthChecks(path, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteSummaryAsync })
                .AllowAnonymous().ExcludeFromDescription();
        }
        foreach (var path in new[] { "/health/ready", "/ready" })
        {
            app.MapHealthChecks(path, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteSummaryAsync })
                .AllowAnonymous().ExcludeFromDescription();
        }
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteDetailAsync })
            .RequireRoles(Roles.Operator, Roles.Admin).ExcludeFromDescription();
    }

    private static Task WriteSummaryAsync(HttpContext context, HealthReport report) => WriteAsync(context, new
    {
        status = StatusOf(report.Status),
        checks = report.Entries.ToDictionary(e => e.Key, e => new { status = StatusOf(e.Value.Status), description = e.Value.Description, data = e.Value.Data }),
    });

    private static Task WriteDetailAsync(HttpContext context, HealthReport report)
    {
        var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        return WriteAsync(context, new
        {
            status = StatusOf(report.Status),
            version = Version,
            startedAt = StartedAt,
            uptimeSeconds = Math.Round((DateTimeOffset.UtcNow - StartedAt).TotalSeconds),
            totalCheckMilliseconds = Math.Round(report.TotalDuration.TotalMilliseconds, 2),
            memory = new
            {
                workingSetBytes = process.WorkingSet64,
                gcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
                gcCommittedBytes = gc.TotalCommittedBytes,
            },
            dependencies = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = StatusOf(e.Value.Status),
                latencyMilliseconds = Math.Round(e.Value.Duration.TotalMilliseconds, 2),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        });
    }

    private static string StatusOf(HealthStatus status) => status.ToString().ToLowerInvariant();

    private static Task WriteAsync(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
