using System.Collections.Concurrent;
using System.Globalization;
using Coffer.Bench.Load;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Investments;

/// <summary>An execution the server accepted (202): its job, and when the answer arrived (the start of the end-to-end latency).</summary>
internal sealed record ExecutionTicket(Guid InvestmentId, Guid JobId, long Amount, DateTimeOffset AcceptedAtUtc);

/// <summary>
/// The invest scenario's measured phase: each worker places an investment of one of the run's wallets in the run's product
/// (POST /investment/investments, 201, pending) and then executes it (POST …/execute, 202 with the job), alternately. The
/// executions' jobs run behind the requests; the tickets collected here are followed to their end after the load.
/// </summary>
internal sealed class InvestWorkload(CofferApi api, IReadOnlyList<Guid> wallets, Guid productId, string runId, int workers) : IWorkload
{
    public const int PlaceKind = 0;
    public const int ExecuteKind = 1;
    public const long MinAmountMinor = 100;
    public const long MaxAmountMinor = 10_000;

    private static readonly string[] InvestmentIds = ["id"];
    private static readonly string[] JobIds = ["jobId"];
    private readonly (Guid Id, long Amount)?[] _pending = new (Guid, long)?[workers];

    public IReadOnlyList<string> Kinds { get; } = ["post-investment", "post-execute"];

    /// <summary>Investments placed (201), with their principal.</summary>
    public ConcurrentDictionary<Guid, long> Placed { get; } = new();

    public ConcurrentQueue<ExecutionTicket> Executions { get; } = new();

    /// <summary>Execute requests without a definitive answer (timeout, broken connection): they may have been queued.</summary>
    public long ExecutionsUnknown => Interlocked.Read(ref _executionsUnknown);

    /// <summary>Place requests without a definitive answer: they may have created an investment.</summary>
    public long PlacedUnknown => Interlocked.Read(ref _placedUnknown);

    private long _executionsUnknown;
    private long _placedUnknown;

    public PlannedOperation Next(int worker, long sequence, Random random)
    {
        if (_pending[worker] is { } pending)
        {
            _pending[worker] = null;
            return new PlannedOperation(ExecuteKind, 0, ct => ExecuteAsync(pending.Id, pending.Amount, $"{runId}-exe-{worker}-{sequence}", ct));
        }
        var wallet = wallets[random.Next(wallets.Count)];
        var amount = random.NextInt64(MinAmountMinor, MaxAmountMinor + 1);
        return new PlannedOperation(PlaceKind, 0, ct => PlaceAsync(worker, wallet, amount, $"{runId}-inv-{worker}-{sequence}", ct));
    }

    private async Task<ApiOutcome> PlaceAsync(int worker, Guid wallet, long amount, string key, CancellationToken cancellationToken)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"{{\"productId\":\"{productId}\",\"accountId\":\"{wallet}\",\"amount\":{amount}}}");
        try
        {
            var (outcome, ids) = await api.PostForIdsAsync("api/v1/investment/investments", body, key, InvestmentIds, cancellationToken);
            if (outcome.IsSuccess && ids.TryGetValue("id", out var id))
            {
                Placed[id] = amount;
                _pending[worker] = (id, amount);
            }
            return outcome;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _placedUnknown);
            throw;
        }
    }

    private async Task<ApiOutcome> ExecuteAsync(Guid investment, long amount, string key, CancellationToken cancellationToken)
    {
        try
        {
            var (outcome, ids) = await api.PostForIdsAsync($"api/v1/investment/investments/{investment}/execute", "{}", key, JobIds, cancellationToken);
            if (outcome.IsSuccess && ids.TryGetValue("jobId", out var job))
            {
                Executions.Enqueue(new ExecutionTicket(investment, job, amount, DateTimeOffset.UtcNow));
            }
            return outcome;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _executionsUnknown);
            throw;
        }
    }
}
