using Coffer.Approvals;
using Coffer.Commerce;
using Coffer.Investments;
using Coffer.Ledger;
using Coffer.Migrations;
using Coffer.Platform;
using Coffer.Platform.Hosting;
using Coffer.Platform.Persistence;

namespace Coffer.Server.Hosting;

/// <summary>Composes the modules into one web application. Holds no business logic.</summary>
public static class CofferHost
{
    public static WebApplication Build(string[] args) => Build(args, services: null);

    /// <param name="services">
    /// Adds to the composition after the modules, before the host is built: how the benchmark hosts Coffer in its own
    /// process with a no-op job type (tests use <c>WebApplicationFactory</c> instead).
    /// </param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? services)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        // Data Protection is registered by the framework but protects nothing Coffer persists.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        builder.AddPlatform();
        builder.AddLedgerModule();
        builder.AddInvestmentsModule();
        builder.AddApprovalsModule();
        builder.AddCommerceModule();

        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<ISchemaStatus>(sp => sp.GetRequiredService<SchemaMigrator>());
        // Registered after the modules' workers are declared but started first: hosted services start in order,
        // so the schema check is inserted at the front.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, SchemaStartupCheck>());
        builder.Services.AddHostedService<StartupBanner>();
        builder.Services.AddCofferOpenApi();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UsePlatform();
        if (ServerRoles.ServesApi(app.Configuration))
        {
            app.MapPlatformEndpoints();
            app.MapLedgerEndpoints();
            app.MapInvestmentsEndpoints();
            app.MapApprovalsEndpoints();
            app.MapCommerceEndpoints();
            app.MapCofferOpenApi();
        }
        return app;
    }
}
