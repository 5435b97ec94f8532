using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Observability;

/// <summary>
/// <c>Coffer:Telemetry:*</c>. Traces are exported over OTLP when an endpoint is configured (here or in the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); without one, trace ids still flow into logs and problem bodies but no span is recorded.
/// </summary>
public sealed record TelemetrySettings(
    string? OtlpEndpoint, double? TraceSampleRatio, RequestLogging RequestLogging, double SlowRequestMilliseconds, bool JsonLogs)
{
    public static TelemetrySettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Coffer:Telemetry");
        var otlp = section["OtlpEndpoint"] is { Length: > 0 } endpoint ? endpoint
            : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } standard ? standard : null;
        double? ratio = section["TraceSampleRatio"] is { Length: > 0 } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
        if (ratio is < 0 or > 1)
        {
            throw new InvalidOperationException("Coffer:Telemetry:TraceSampleRatio must be between 0 and 1.");
        }
        var logging = configuration.GetSection("Coffer:Logging");
        return new TelemetrySettings(
            otlp,
            ratio,
            RequestLogging: logging["Requests"]?.ToLowerInvariant() switch
            {
                null or "" or "failures" => RequestLogging.Failures,
                "all" or "true" => RequestLogging.All,
                "none" or "false" => RequestLogging.None,
                var other => throw new InvalidOperationException($"Coffer:Logging:Requests must be failures, all or none, not '{other}'."),
            },
            SlowRequestMilliseconds: logging.GetValue("SlowRequestMilliseconds", 1000.0),
            JsonLogs: !string.Equals(logging["Format"], "text", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Spans are recorded when something will receive them: an OTLP endpoint, or an explicit ratio (tests).</summary>
    public double EffectiveSampleRatio => TraceSampleRatio ?? (OtlpEndpoint is null ? 0 : 1);
}
