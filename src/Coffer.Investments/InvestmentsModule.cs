using Coffer.Investments.Dividends;
using Coffer.Investments.Investing;
using Coffer.Investments.Observability;
using Coffer.Investments.Partners;
using Coffer.Investments.Products;
using Coffer.Investments.Reserves;
using Coffer.Platform.Approvals;
using Coffer.Platform.Hosting;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Protection;
using Coffer.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Investments;

public static class InvestmentsModule
{
    /// <summary>Products, partners, investments with queued execution and redemption, and dividends (SEEDS §A), product versions and the reserves engine (issue 8).</summary>
    public static WebApplicationBuilder AddInvestmentsModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => InvestmentSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<PartnerCredentials>();
        services.AddSingleton<InvestmentStore>();
        services.AddSingleton<InvestmentMetrics>();
        services.AddScoped<PartnerGateway>();
        services.AddScoped<DividendDeclaration>();
        services.AddApprovedOperation<ApprovedDividend>();
        services.AddApprovedOperation<ApprovedCredentialsChange>();
        services.AddScoped<ReserveEngine>();
        services.AddApprovedOperation<ReserveReleaseOperation>();
        services.AddSingleton<ReserveSweeper>();
        if (ServerRoles.RunsWorkers(builder.Configuration))
        {
            services.AddHostedService(sp => sp.GetRequiredService<ReserveSweeper>());
        }
        services.AddSealedValueRotation<PartnerCredentialRotation>();
        services.AddJobHandler<ExecuteInvestmentJob>(ExecuteInvestmentJob.JobType);
        services.AddJobHandler<RedeemInvestmentJob>(RedeemInvestmentJob.JobType);
        services.AddJobHandler<DistributeDividendJob>(DistributeDividendJob.JobType);
        services.AddFeatureFlag(InvestmentFlags.ModuleEnabled, "Investment products may be created and investments placed.");
        services.AddFeatureFlag(InvestmentFlags.ExecutionEnabled, "Investments may be executed and redeemed.");
        services.AddFeatureFlag(InvestmentFlags.DividendsEnabled, "Dividends may be distributed, to one investment or pro rata over a product.");
        services.AddFeatureFlag(InvestmentFlags.ExternalIntegrationsEnabled, "Investment partners' APIs may be called.");
        foreach (var (name, permits) in InvestmentRateLimits.Defaults)
        {
            services.AddRateLimitPolicy(name, permits, InvestmentRateLimits.Window);
        }
        return builder;
    }

    /// <summary>The module's endpoints under <c>/api/v1/investment</c>.</summary>
    public static IEndpointRouteBuilder MapInvestmentsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/investment")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithRateLimitsByMethod()
            .RequireServiceScopes(Scopes.InvestmentsRead, Scopes.InvestmentsWrite);
        api.MapProductEndpoints();
        api.MapPartnerEndpoints();
        api.MapInvestmentEndpoints();
        api.MapDividendEndpoints();
        api.MapReserveEndpoints();
        return app;
    }
}
