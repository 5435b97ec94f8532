using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Platform.Identity;
using Coffer.Platform.Observability;
using Coffer.Platform.Persistence;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coffer.Platform.Idempotency;

/// <summary>
/// Runs an endpoint as one idempotent unit of work (Stripe semantics, IETF Idempotency-Key draft):
/// the handler's effect and the key with its response are written in one transaction. A concurrent
/// duplicate waits on the key (or on the rows the first one locked), then finds it taken, rolls back
/// its own effect and replays; a crash before commit leaves nothing behind, so the retry performs the
/// operation once. Transient database failures (deadlock, serialization, busy) re-run the whole unit of work.
/// </summary>
internal sealed partial class IdempotencyFilter(
    DbSession session,
    IdempotencySettings settings,
    TimeProvider timeProvider,
    IOptions<JsonOptions> jsonOptions,
    PlatformMetrics metrics,
    ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var source = http.GetEndpoint()?.Metadata.GetMetadata<IdempotencyMetadata>()?.KeySource ?? IdempotencyKeySource.Header;
        var (key, invalid) = await IdempotencyKeys.ReadAsync(http, source, jsonOptions.Value.SerializerOptions.PropertyNameCaseInsensitive);
        if (invalid is not null)
        {
            return invalid.ToProblem(http);
        }
        session.Operation = OperationOf(http);
        var caller = Caller.From(http.User);
        var scope = new IdempotencyScope(caller.Tenant, caller.Subject, key!, await FingerprintAsync(http));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(context, next, scope);
            }
            catch (Exception failure) when (IsRetryable(failure) && attempt < settings.MaxAttempts)
            {
                await session.RollbackAsync();
                metrics.InternalRetry(session.Operation);
                LogRetry(logger, attempt, failure.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), http.RequestAborted);
            }
        }
    }

    private async Task<object?> AttemptAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyScope scope)
    {
        var http = context.HttpContext;
        var now = timeProvider.GetUtcNow();
        await session.BeginAsync(http.RequestAborted);
        try
        {
            var response = Capture(await next(context));
            if (!response.IsSuccess)
            {
                await session.RollbackAsync();
                return response.IsStorable ? await StoreFailureAsync(http, scope, response, now) : response;
            }
            // The key is claimed with the response in the commit's own round trip: one write of the record.
            await session.CommitAsync([IdempotencyStatements.Store(scope, response, now, settings.Retention, ifAbsent: false)],
                http.RequestAborted);
            return response;
        }
        catch (DbFailureException failure) when (failure.StatementTag == IdempotencyStatements.ClaimTag
            && failure.Kind is DbFailureKind.UniqueViolation or DbFailureKind.LockTimeout)
        {
            await session.RollbackAsync();
            if (failure.Kind == DbFailureKind.LockTimeout)
            {
                metrics.IdempotencyOutcome("in_flight");
                return InFlight().ToProblem(http);
            }
            return await ReplayAsync(http, scope);
        }
        finally
        {
            await session.RollbackAsync(); // no-op after a commit
        }
    }

    /// <summary>A settled business failure (404, 409, 422) is remembered under its key in a transaction of its own.</summary>
    private async Task<object?> StoreFailureAsync(HttpContext http, IdempotencyScope scope, StoredResponse response, DateTimeOffset now)
    {
        await session.BeginAsync(http.RequestAborted);
        var inserted = await session.ExecuteAsync(
            [IdempotencyStatements.Store(scope, response, now, settings.Retention, ifAbsent: true)], http.RequestAborted);
        await session.CommitAsync([], http.RequestAborted);
        return inserted[0] == 1 ? response : await ReplayAsync(http, scope);
    }

    private async Task<object?> ReplayAsync(HttpContext http, IdempotencyScope scope)
    {
        var rows = await session.QueryAsync(IdempotencyStatements.Find(scope), reader => new
        {
            Hash = reader.GetString(0),
            Status = reader.IsDBNull(1) ? (int?)null : reader.GetInt32(1),
            ContentType = reader.IsDBNull(2) ? null : reader.GetString(2),
            Location = reader.IsDBNull(3) ? null : reader.GetString(3),
            Body = reader.IsDBNull(4) ? null : reader.GetString(4),
        }, http.RequestAborted);
        if (rows is not [var record])
        {
            throw new KeyReleasedException();
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(record.Hash), Encoding.ASCII.GetBytes(scope.RequestHash)))
        {
            metrics.IdempotencyOutcome("key_reused");
            return new Failure(422, "idempotency_key_reused", "Idempotency key reused",
                "This idempotency key was used with a different request; use a new key for a new request.").ToProblem(http);
        }
        if (record.Status is not { } status)
        {
            metrics.IdempotencyOutcome("in_flight");
            return InFlight().ToProblem(http);
        }
        metrics.IdempotencyOutcome("replayed");
        LogReplay(logger, http.Request.Path);
        return new StoredResponse(status, record.ContentType!, record.Location, record.Body!) { Replayed = true };
    }

    /// <summary>The route template ("POST /api/v1/transfers"): bounded, unlike the path.</summary>
    internal static string OperationOf(HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template }
            ? $"{http.Request.Method} {template}"
            : http.Request.Method;

    private static bool IsRetryable(Exception exception) =>
        exception is KeyReleasedException or DbFailureException { IsTransient: true };

    /// <summary>The holder of the key rolled back after we saw it: the key is free again, so the request runs anew.</summary>
    private sealed class KeyReleasedException() : Exception("The idempotency key was released by a rolled-back request.");

    private StoredResponse Capture(object? result)
    {
        if (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }
        if (result is not (IStatusCodeHttpResult { StatusCode: { } status } and IValueHttpResult { Value: var value }))
        {
            throw new InvalidOperationException(
                $"An idempotent endpoint must return a typed result with a status and a value, not {result?.GetType().Name ?? "null"}.");
        }
        var isProblem = result is IContentTypeHttpResult { ContentType: ProblemFactory.ContentType };
        var location = result.GetType().GetProperty("Location")?.GetValue(result) as string;
        var body = value is null ? "" : JsonSerializer.Serialize(value, value.GetType(), jsonOptions.Value.SerializerOptions);
        return new StoredResponse(status, isProblem ? ProblemFactory.ContentType : "application/json; charset=utf-8", location, body);
    }

    private static Failure InFlight() => new(409, "idempotency_key_in_flight", "Request with this key is in flight",
        "A request with this Idempotency-Key is still being processed; retry shortly with the same key.");

    /// <summary>SHA-256 over method, path and the raw body (buffered by <see cref="IdempotencyBuffering"/>).</summary>
    private static async Task<string> FingerprintAsync(HttpContext http)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{http.Request.Method}\n{http.Request.Path}\n"));
        var body = http.Request.Body;
        if (body.CanSeek)
        {
            body.Position = 0;
            var buffer = new byte[8192];
            int read;
            while ((read = await body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient failure on attempt {Attempt}, retrying the unit of work: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotent replay for {Path}")]
    private static partial void LogReplay(ILogger logger, string path);
}
