using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Coffer.Chaos.Workload;

/// <summary>
/// A client that behaves like a careful real one: it sends a request to one of the servers (alternating, as a load balancer
/// would) and, on a connection error, a timeout, a 5xx, a 429 or a 409 <c>idempotency_key_in_flight</c>, sends the very same
/// request again — same Idempotency-Key, same body — after a back-off, until it gets a definitive answer or its time is up.
/// </summary>
internal sealed class RetryingClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly HttpClient[] _nodes;

    public RetryingClient(IEnumerable<Uri> nodes)
    {
        _nodes = nodes.Select(uri => new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        })
        { BaseAddress = uri, Timeout = RequestTimeout }).ToArray();
    }

    public ClientStatistics Statistics { get; } = new();

    /// <summary>
    /// Sends until definitive or <paramref name="limit"/> passes (then the outcome is <see cref="OutcomeKind.Unknown"/>).
    /// <paramref name="random"/> (the caller's, seeded) picks the first server and the back-off jitter.
    /// </summary>
    public async Task<ApiOutcome> SendAsync(ApiRequest request, Random random, TimeSpan limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var node = random.Next(_nodes.Length);
        var lastError = "not sent";
        for (var attempt = 1; ; attempt++)
        {
            var (outcome, retryAfter, error) = await SendOnceAsync(_nodes[node], request, attempt, cancellationToken);
            if (outcome is not null)
            {
                return outcome;
            }
            lastError = error!;
            Statistics.Count(error!);
            var backoff = retryAfter ?? Backoff(attempt, random);
            if (watch.Elapsed + backoff > limit || cancellationToken.IsCancellationRequested)
            {
                return ApiOutcome.None(attempt, lastError);
            }
            await Task.Delay(backoff, CancellationToken.None);
            node = (node + 1) % _nodes.Length; // the other server, as a load balancer would after a failure
        }
    }

    /// <summary>One send: a definitive outcome, or the reason to retry (and the server's Retry-After, when it gave one).</summary>
    private async Task<(ApiOutcome? Outcome, TimeSpan? RetryAfter, string? Error)> SendOnceAsync(
        HttpClient node, ApiRequest request, int attempt, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Path)
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.Caller.Token);
        message.Headers.Add("Idempotency-Key", request.Key);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await node.SendAsync(message, cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, null, exception is TaskCanceledException ? "timeout" : "connection");
        }
        catch (OperationCanceledException)
        {
            return (null, null, "cancelled");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");
            var outcome = new ApiOutcome(status is >= 200 and < 300 ? OutcomeKind.Succeeded : OutcomeKind.Refused, status, body, replayed, attempt);
            if (status >= 500)
            {
                Statistics.ServerError(status, body);
                return (null, null, $"http_{status}");
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var retryAfter = response.Headers.RetryAfter?.Delta;
                return (null, retryAfter is { } delay ? TimeSpan.FromTicks(Math.Min(delay.Ticks, MaxBackoff.Ticks)) : null, "rate_limited");
            }
            if (response.StatusCode == HttpStatusCode.Conflict && outcome.Code == "idempotency_key_in_flight")
            {
                return (null, null, "in_flight");
            }
            return (outcome, null, null);
        }
    }

    /// <summary>One GET (a status read, e.g. an investment's): the body of a 200, or null for anything else, errors included.</summary>
    public async Task<string?> TryGetAsync(string path, ChaosCaller caller, Random random, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, path);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        try
        {
            using var response = await _nodes[random.Next(_nodes.Length)].SendAsync(message, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private static TimeSpan Backoff(int attempt, Random random)
    {
        var exponential = Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt - 1, 10)));
        return TimeSpan.FromMilliseconds(exponential * (0.5 + random.NextDouble() / 2));
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }
}
