using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coffer.Platform.Observability;

/// <summary>
/// Metrics (OpenTelemetry, scraped at <c>/metrics</c> in Prometheus format), tracing (ASP.NET Core, HttpClient,
/// Npgsql and Coffer's own sources; OTLP by configuration), structured JSON logs carrying the trace id, redaction by
/// data classification, and request logging without headers, query strings or bodies.
/// </summary>
public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";

    private static readonly string Version =
        typeof(ObservabilitySetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static WebApplicationBuilder AddCofferObservability(this WebApplicationBuilder builder)
    {
        var settings = TelemetrySettings.FromConfiguration(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<PlatformMetrics>();

        AddLogging(builder, settings);

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("coffer", serviceVersion: Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(CofferTelemetry.Prefix + ".*")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter("System.Runtime")
                    // No response cache: a scrape always shows what happened before it (tests and operators rely on that).
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (settings.OtlpEndpoint is not null)
                {
                    metrics.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(settings.OtlpEndpoint));
                }
            })
            .WithTracing(tracing =>
            {
                var ratio = settings.EffectiveSampleRatio;
                // Without a receiver nothing is recorded, yet every request still gets a trace id (propagation only).
                tracing.SetSampler(ratio <= 0 ? new AlwaysOffSampler() : new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                    .AddSource(CofferTelemetry.Prefix + ".*")
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => !IsPlumbing(http.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (settings.OtlpEndpoint is not null)
                {
                    tracing.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(settings.OtlpEndpoint));
                }
            });
        return builder;
    }

    /// <summary>Request logging and the scrape endpoint; runs first so every request is timed and logged.</summary>
    public static WebApplication UseCofferObservability(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<TelemetrySettings>();
        if (settings.RequestLogging != RequestLogging.None)
        {
            app.UseHttpLogging();
        }
        app.Use((http, next) =>
        {
            if (http.Request.Path.Equals(MetricsPath, StringComparison.Ordinal))
            {
                http.Response.Headers.CacheControl = "no-store";
            }
            return next(http);
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    private static void AddLogging(WebApplicationBuilder builder, TelemetrySettings settings)
    {
        var logging = builder.Logging;
        logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (settings.JsonLogs)
        {
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(simple =>
            {
                simple.IncludeScopes = true;
                simple.SingleLine = true;
                simple.UseUtcTimestamp = true;
                simple.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        // Classified log parameters ([SecretData], [PersonalData]) are replaced before any provider sees them.
        logging.EnableRedaction();
        builder.Services.AddRedaction(redaction =>
        {
            redaction.SetRedactor<RedactedMarker>(
                new DataClassificationSet(CofferTaxonomy.Secret), new DataClassificationSet(CofferTaxonomy.PersonalData));
            redaction.SetFallbackRedactor<NullRedactor>();
        });

        // One line per logged request: method, path, status and duration. Never headers (tokens), query strings or bodies.
        builder.Services.AddHttpLoggingInterceptor<RequestLogPolicy>();
        builder.Services.AddHttpLogging(http =>
        {
            http.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            http.CombineLogs = true;
        });
        logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.Information);
        // The host's own "Request starting/finished" lines would repeat the request log with the query string in it.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }

    /// <summary>Probes and scrapes are not worth a span each.</summary>
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/live") || path.StartsWithSegments("/ready")
        || path.StartsWithSegments(MetricsPath);
}
