using Coffer.Commerce.Catalog;
using Coffer.Commerce.Inventory;
using Coffer.Commerce.Notifications;
using Coffer.Commerce.Observability;
using Coffer.Commerce.Orders;
using Coffer.Commerce.Payments;
using Coffer.Platform.Hosting;
using Coffer.Platform.Jobs;
using Coffer.Platform.Webhooks;
using Coffer.Platform.FeatureFlags;
using Coffer.Platform.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Commerce;

public static class CommerceModule
{
    /// <summary>
    /// The catalog (products with variants, cached reads), inventory with reservations and stock alerts, checkout paid by wallet
    /// or card, the order state machine, refunds, and the background work around orders (SEEDS §D).
    /// </summary>
    public static WebApplicationBuilder AddCommerceModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => CommerceSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddMemoryCache();
        services.AddSingleton<CatalogCache>();
        services.AddSingleton<CommerceMetrics>();
        services.AddScoped<OrderChanges>();
        services.AddScoped<Mailer>();
        services.AddSingleton<ReservationSweeper>();
        if (ServerRoles.RunsWorkers(builder.Configuration))
        {
            services.AddHostedService(sp => sp.GetRequiredService<ReservationSweeper>());
        }
        services.AddJobHandler<CaptureWalletPaymentJob>(CaptureWalletPaymentJob.JobType);
        services.AddJobHandler<OpenCardPaymentJob>(OpenCardPaymentJob.JobType);
        services.AddJobHandler<CardPaymentEventJob>(CardPaymentEventJob.JobType);
        services.AddJobHandler<RefundCardPaymentJob>(RefundCardPaymentJob.JobType);
        services.AddJobHandler<SendOrderEmailJob>(SendOrderEmailJob.JobType);
        services.AddJobHandler<SendStockAlertJob>(SendStockAlertJob.JobType);
        services.AddJobHandler<StoreReceiptJob>(StoreReceiptJob.JobType);
        services.AddJobHandler<BookShipmentJob>(BookShipmentJob.JobType);
        services.AddPaymentEventHandler<CardPaymentEvents.Succeeded>();
        services.AddPaymentEventHandler<CardPaymentEvents.Failed>();
        services.AddFeatureFlag(CommerceFlags.Enabled, "The commerce catalog may be read and written.");
        return builder;
    }

    /// <summary>The module's endpoints under <c>/api/v1/commerce</c>.</summary>
    public static IEndpointRouteBuilder MapCommerceEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/commerce")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithRateLimitsByMethod();
        api.MapCatalogEndpoints();
        api.MapInventoryEndpoints();
        api.MapOrderEndpoints();
        return app;
    }
}
