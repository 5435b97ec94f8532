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
        builder.RequireIdempotency(IdempotencyKeySource.Header);

    /// <summary>
    /// Requires an idempotency key where <paramref name="source"/> says (with <see cref="IdempotencyKeySource.HeaderOrBody"/>,
    /// the header or the body's top-level <c>idempotencyKey</c>) and runs the endpoint as one idempotent unit of work.
    /// The fingerprint is the same either way: method, path and raw body.
    /// </summary>
    public static RouteHandlerBuilder RequireIdempotency(this RouteHandlerBuilder builder, IdempotencyKeySource source) =>
        builder
            .WithMetadata(new IdempotencyMetadata(source))
            .AddEndpointFilter(static (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<IdempotencyFilter>().InvokeAsync(context, next))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithOpenApiIdempotencyKey(source);

    private static RouteHandlerBuilder WithOpenApiIdempotencyKey(this RouteHandlerBuilder builder, IdempotencyKeySource source) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = IdempotencySettings.HeaderName,
                In = Microsoft.OpenApi.ParameterLocation.Header,
                Required = source == IdempotencyKeySource.Header,
                Description = "Unique key (at most 255 characters) scoped to your tenant and subject. "
                    + (source == IdempotencyKeySource.HeaderOrBody
                        ? "Alternatively send it as the body's top-level 'idempotencyKey' property (both ways: the same key). "
                        : "")
                    + "A retry with the same key and body replays the stored response with 'Idempotent-Replayed: true'.",
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, MaxLength = 255 },
            });
            return Task.CompletedTask;
        });
}
