using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Platform.Approvals;
using Coffer.Platform.Audit;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Health;
using Coffer.Platform.Hosting;
using Coffer.Platform.Idempotency;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Protection;
using Coffer.Platform.Providers;
using Coffer.Platform.RateLimiting;
using Coffer.Platform.Redis;
using Coffer.Platform.Time;
using Coffer.Platform.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coffer.Platform;

public static class PlatformModule
{
    /// <summary>Largest request body accepted (a batch of 1000 transfers with metadata fits).</summary>
    public const long MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>Deepest JSON accepted: Coffer's bodies are at most four levels deep (batch → transfers → item → metadata).</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>Observability, persistence, problem+json, authentication, idempotency, audit, data protection and health.</summary>
    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        builder.AddCofferObservability();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RecordClock>();
        // Read from configuration when first resolved, so every configuration source (tests included) applies.
        services.AddSingleton(sp => DatabaseOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<CofferDatabase>();
        services.AddHostedService<SqliteCheckpointer>();
        services.AddScoped<DbSession>();

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.NumberHandling = JsonNumberHandling.Strict;
            json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.MaxDepth = MaxJsonDepth;
        });
        services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context => ProblemFactory.Complete(context.HttpContext, context.ProblemDetails));
        services.AddExceptionHandler<CofferExceptionHandler>();

        services.AddCofferAuthentication();
        services.AddSingleton<SpoofedIdentityHeaders>();
        if (RedisConnection.ConfiguredIn(builder.Configuration) is { } redis)
        {
            services.AddSingleton(new RedisConnection(redis,
                TimeSpan.FromMilliseconds(builder.Configuration.GetValue("Coffer:Redis:OperationTimeoutMilliseconds", 500.0))));
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        }
        services.AddCofferRateLimiting(builder.Configuration);
        services.AddCofferFeatureFlags(builder.Configuration);
        services.AddCofferJobs(builder.Configuration);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<PaymentEventHandlers>();
        services.AddTransient<IStartupFilter, PaymentEventValidation>();
        services.AddCofferProviders(builder.Configuration);

        services.AddHttpContextAccessor();
        services.AddSingleton<AuditSnapshot>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<AuditQueries>();
        services.AddScoped<AuditChainVerifier>();
        services.AddCofferProtection();
        services.AddDefaultApprovalGate();

        services.AddSingleton(sp => IdempotencySettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddScoped<IdempotencyFilter>();
        if (ServerRoles.RunsWorkers(builder.Configuration))
        {
            services.AddHostedService<IdempotencyPurgeService>();
            services.AddHostedService<WebhookReceiptPurge>();
        }

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        services.AddSingleton<IHealthCheckPublisher, HealthStatusPublisher>();
        return builder;
    }

    /// <summary>The request pipeline every endpoint passes through, and the health endpoints.</summary>
    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseCofferObservability();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Kestrel enforces the limit while reading; a declared length above it is refused before anything reads the body,
        // whatever server hosts the app.
        app.Use((http, next) => http.Request.ContentLength > MaxRequestBodyBytes
            ? throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge)
            : next(http));
        app.UseSpoofedIdentityHeaderGate();
        app.UseRouting();
        app.UseAuthentication();
        app.Use((http, next) =>
        {
            // Row-level security: the request's unit of work sees its caller's tenant only.
            if (http.User.Identity?.IsAuthenticated == true)
            {
                http.RequestServices.GetRequiredService<DbSession>().TenantScope = http.User.FindFirst(Caller.TenantClaim)?.Value;
            }
            return next(http);
        });
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseFeatureGate();
        app.UseIdempotencyBuffering();
        app.MapHealthEndpoints();
        return app;
    }

    /// <summary>
    /// The platform's own API (the audit trail, feature flags, jobs) and the payment webhook that dispatches to the modules'
    /// event handlers, mapped where the API is served.
    /// </summary>
    public static WebApplication MapPlatformEndpoints(this WebApplication app)
    {
        app.MapAuditEndpoints();
        app.MapFlagEndpoints();
        app.MapJobEndpoints();
        app.MapPaymentWebhook(); // signed by the provider, not a bearer token: outside any group's scope requirements
        return app;
    }
}
