using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coffer.Platform.Idempotency;

/// <summary>Makes the body of idempotent endpoints re-readable, so the filter can fingerprint the raw request.</summary>
public static class IdempotencyBuffering
{
    public static IApplicationBuilder UseIdempotencyBuffering(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyMetadata>() is not null)
            {
                context.Request.EnableBuffering();
            }
            return next(context);
        });
}

/// <summary>Marks an endpoint as requiring an idempotency key, and says where the key may be sent.</summary>
public sealed class IdempotencyMetadata(IdempotencyKeySource keySource = IdempotencyKeySource.Header)
{
    public IdempotencyKeySource KeySource { get; } = keySource;
}
