using Coffer.Bench.Load;
using Coffer.Bench.Transfers;

namespace Coffer.Bench.Workloads;

/// <summary>
/// Reads and writes in the proportions of <paramref name="mix"/>: GET /accounts/{id} (a balance), GET /accounts/{id}/entries
/// (the newest statement page of <see cref="StatementPageSize"/> entries), GET /transfers/{id} (an existing transfer) and
/// POST /transfers (as <see cref="TransferWorkload"/>). Accounts are uniformly random wallets of the run; transfer ids come
/// from <paramref name="transferIds"/>, which the run's own transfers keep filling.
/// </summary>
internal sealed class MixedWorkload(
    CofferApi api, IReadOnlyList<Guid> wallets, TransferIdPool transferIds, string currency, string runId, OperationMix mix) : IWorkload
{
    /// <summary>Entries per statement page: what an app shows on one screen (bench/pgbench/get-entries.sql uses the same limit).</summary>
    public const int StatementPageSize = 20;

    public IReadOnlyList<string> Kinds => OperationMix.Kinds;

    public PlannedOperation Next(int worker, long sequence, Random random)
    {
        var kind = mix.Draw(random);
        switch (OperationMix.Kinds[kind])
        {
            case OperationMix.GetAccount:
                var account = wallets[random.Next(wallets.Count)];
                return new PlannedOperation(kind, 0, ct => api.ReadAsync($"api/v1/accounts/{account}", ct));
            case OperationMix.GetEntries:
                var statement = wallets[random.Next(wallets.Count)];
                return new PlannedOperation(kind, 0, ct => api.ReadAsync($"api/v1/accounts/{statement}/entries?limit={StatementPageSize}", ct));
            case OperationMix.GetTransfer:
                var transfer = transferIds.Pick(random);
                return new PlannedOperation(kind, 0, ct => api.ReadAsync($"api/v1/transfers/{transfer}", ct));
            default:
                var (from, to) = TransferWorkload.UniformPair(wallets, random);
                var key = $"{runId}-{worker}-{sequence}";
                return new PlannedOperation(kind, 1, async ct =>
                {
                    var (outcome, id) = await api.TransferAsync(from, to, LoadOptions.TransferAmountMinor, currency, key, readId: true, ct);
                    if (id is { } created)
                    {
                        transferIds.Add(created);
                    }
                    return outcome;
                });
        }
    }
}
