using Coffer.Approvals.Execution;
using Coffer.Approvals.Observability;
using Coffer.Approvals.Partners;
using Coffer.Approvals.Policies;
using Coffer.Approvals.Requests;
using Coffer.Platform.Approvals;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Hosting;
using Coffer.Platform.Jobs;
using Coffer.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coffer.Approvals;

public static class ApprovalsModule
{
    /// <summary>
    /// Approval partners, versioned approval policies, the approval gate that replaces the platform's pass-through one, signing,
    /// expiry and quorum-triggered execution (SEEDS §C).
    /// </summary>
    public static WebApplicationBuilder AddApprovalsModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => ApprovalSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<ApprovalMetrics>();
        services.Replace(ServiceDescriptor.Scoped<IApprovalGate, ApprovalGate>());
        services.AddJobHandler<ExecuteApprovalJob>(ExecuteApprovalJob.JobType);
        services.AddFeatureFlag(ApprovalFlags.KillSwitch,
            "Kill switch: while on, approved operations are held instead of executed; they resume when it is off.");
        foreach (var (name, permits) in ApprovalRateLimits.Defaults)
        {
            services.AddRateLimitPolicy(name, permits, ApprovalRateLimits.Window);
        }
        services.AddSingleton<ApprovalSweeper>();
        if (ServerRoles.RunsWorkers(builder.Configuration))
        {
            services.AddHostedService(sp => sp.GetRequiredService<ApprovalSweeper>());
        }
        return builder;
    }

    /// <summary>The module's endpoints under <c>/api/v1/approvals</c>.</summary>
    public static IEndpointRouteBuilder MapApprovalsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/approvals")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithRateLimitsByMethod();
        api.MapApprovalPartnerEndpoints();
        api.MapApprovalPolicyEndpoints();
        api.MapApprovalReadEndpoints();
        api.MapApprovalDecisionEndpoints();
        return app;
    }
}
