using Coffer.Ledger.Observability;
using Coffer.Ledger.Reconciliation;
using Coffer.Platform.Identity;
using Coffer.Platform.RateLimiting;
using Coffer.Ledger.Accounts;
using Coffer.Ledger.Holds;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Statements;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Coffer.Ledger.Contracts;
using Coffer.Ledger.Deposits;
using Coffer.Ledger.Withdrawals;
using Coffer.Platform.Approvals;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.Jobs;
using Coffer.Platform.Webhooks;

namespace Coffer.Ledger;

public static class LedgerModule
{
    /// <summary>Accounts, transfers, holds, deposits, statements and reconciliation, with their workers.</summary>
    public static WebApplicationBuilder AddLedgerModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => LedgerSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<LedgerMetrics>();
        services.AddScoped<LedgerStore>();
        services.AddScoped<TransferPosting>();
        services.AddScoped<TransferQueries>();
        services.AddScoped<AccountQueries>();
        services.AddScoped<StatementQueries>();
        services.AddScoped<HoldQueries>();
        services.AddScoped<HoldResolution>();
        services.AddSingleton<HoldExpirySweeper>();
        services.AddScoped<LedgerChecks>();
        services.AddScoped<Reconciler>();
        services.AddScoped<IMoneyMover, MoneyMover>();
        services.AddJobHandler<CreditDepositJob>(CreditDepositJob.JobType);
        services.AddPaymentEventHandler<DepositSucceededEvent>();
        services.AddJobHandler<WithdrawalPayoutJob>(WithdrawalPayoutJob.JobType);
        services.AddApprovedOperation<ApprovedWithdrawal>();
        services.AddFeatureFlag(LedgerFlags.WithdrawalsEnabled, "Withdrawals may be requested (POST /api/v1/withdrawals).");
        services.AddFeatureFlag(LedgerFlags.ReversalsEnabled, "Operators may reverse posted transfers (POST /api/v1/transfers/{id}/reversal).");
        if (ServerRoles.RunsWorkers(builder.Configuration))
        {
            services.AddHostedService(sp => sp.GetRequiredService<HoldExpirySweeper>());
            services.AddHostedService<ReconciliationWorker>();
        }
        return builder;
    }

    /// <summary>Runs one reconciliation in <paramref name="scope"/> (a service scope of the host) and stores its report.</summary>
    public static Task<ReconciliationResult> ReconcileAsync(
        IServiceProvider scope, string trigger, IProgress<ReconciliationStep>? progress, CancellationToken cancellationToken) =>
        scope.GetRequiredService<Reconciler>().RunAsync(trigger, progress, cancellationToken);

    /// <summary>The ledger's endpoints under <c>/api/v1</c>.</summary>
    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithRateLimitsByMethod()
            .RequireServiceScopes(Scopes.LedgerRead, Scopes.LedgerWrite);
        api.MapAccountEndpoints();
        api.MapTransferEndpoints();
        api.MapHoldEndpoints();
        api.MapReconciliationEndpoints();
        api.MapWithdrawalEndpoints();
        return app;
    }
}
