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

/// <summary>Marks an endpoint as requiring an Idempotency-Key.</summary>
public sealed class IdempotencyMetadata;
