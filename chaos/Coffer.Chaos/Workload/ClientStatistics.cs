using System.Collections.Concurrent;

namespace Coffer.Chaos.Workload;

/// <summary>Why clients had to send again (connection, timeout, http_503, rate_limited, in_flight ...), and the 5xx bodies seen.</summary>
internal sealed class ClientStatistics
{
    private const int KeptServerErrors = 20;

    private readonly ConcurrentDictionary<string, int> _retries = new();
    private readonly ConcurrentQueue<string> _serverErrors = new();

    public IReadOnlyDictionary<string, int> Retries => _retries.ToDictionary(r => r.Key, r => r.Value);

    /// <summary>The first few 5xx answers (status and body), for the report.</summary>
    public IReadOnlyList<string> ServerErrorSamples => _serverErrors.ToList();

    public void Count(string reason) => _retries.AddOrUpdate(reason, 1, (_, count) => count + 1);

    public void ServerError(int status, string body)
    {
        if (_serverErrors.Count < KeptServerErrors)
        {
            _serverErrors.Enqueue($"{status} {(body.Length > 300 ? body[..300] : body)}");
        }
    }
}
