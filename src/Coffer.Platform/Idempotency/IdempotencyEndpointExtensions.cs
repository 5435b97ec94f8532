using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Idempotency;

public static class IdempotencyEndpointExtensions
{
    /// <summary>
    /// Requires an <c>Idempotency-Key</c> header and runs the endpoint as one idempotent unit of work.
    /// The handler runs inside the open <see cref="Persistence.DbSession"/> transaction and must not commit it.
    /// </summary>
    public static RouteHandlerBuilder RequireIdempotency(this RouteHandlerBuilder builder) =>
        builder
            .WithMetadata(new IdempotencyMetadata())
            .AddEndpointFilter(static (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<IdempotencyFilter>().InvokeAsync(context, next))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithOpenApiIdempotencyKey();

    private static RouteHandlerBuilder WithOpenApiIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = IdempotencySettings.HeaderName,
                In = Microsoft.OpenApi.ParameterLocation.Header,
                Required = true,
                Description = "Unique key (at most 255 characters) scoped to your tenant and subject. "
                    + "A retry with the same key and body replays the stored response with 'Idempotent-Replayed: true'.",
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, MaxLength = 255 },
            });
            return Task.CompletedTask;
        });
}
