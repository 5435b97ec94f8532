using Coffer.Commerce.Catalog;
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
    /// <summary>The catalog (issue 9, item 1): products with variants, cached reads.</summary>
    public static WebApplicationBuilder AddCommerceModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => CommerceSettings.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddMemoryCache();
        services.AddSingleton<CatalogCache>();
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
        return app;
    }
}
