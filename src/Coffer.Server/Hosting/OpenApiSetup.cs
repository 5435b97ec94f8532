using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Coffer.Server.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and its reference page at <c>/scalar/v1</c>.</summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddCofferOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer(DescribeApi);
            // Use cases nest their DTOs (CreateTransfer.Request): name schemas after both, so they never collide.
            options.CreateSchemaReferenceId = type => type.Type.DeclaringType is { } use && !type.Type.IsGenericType
                ? use.Name + type.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        });

    public static void MapCofferOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(options => options.WithTitle("Coffer API")).AllowAnonymous();
    }

    private static Task DescribeApi(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Coffer API",
            Version = "v1",
            Description = "Wallets on a double-entry ledger. Amounts are integers in minor units with an ISO 4217 currency. "
                + "Every POST that moves money or creates a resource needs an Idempotency-Key header. "
                + "Errors are application/problem+json with a stable 'code'.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT with claims sub, tenant and role (repeatable).",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
