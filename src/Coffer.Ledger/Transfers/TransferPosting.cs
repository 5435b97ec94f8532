using Coffer.Ledger.Observability;
using Coffer.Ledger.Posting;
using Coffer.Platform.Audit;
using Coffer.Platform.Identity;
using Coffer.Platform.Time;
using Coffer.Platform.Results;

namespace Coffer.Ledger.Transfers;

/// <summary>One requested movement between two accounts, already validated field by field.</summary>
internal sealed record TransferInput(Guid FromAccountId, Guid ToAccountId, long Amount, string Currency, string? Description, string? Metadata);

/// <summary>
/// Posts one or many transfers as a single all-or-nothing unit: every account involved is locked once,
/// in id order, and each transfer is checked against the balances left by the ones before it.
/// </summary>
internal sealed class TransferPosting(LedgerStore store, RecordClock clock, AuditTrail audit, LedgerMetrics metrics)
{
    public async Task<Outcome<IReadOnlyList<Transfer>>> PostAsync(
        Caller caller, IReadOnlyList<TransferInput> inputs, bool isBatch, CancellationToken cancellationToken)
    {
        var ids = inputs.SelectMany(i => new[] { i.FromAccountId, i.ToAccountId }).ToHashSet();
        var accounts = await store.LockAccountsAsync(caller.Tenant, ids, cancellationToken);
        var now = clock.Now();
        var transfers = new List<Transfer>(inputs.Count);
        for (var index = 0; index < inputs.Count; index++)
        {
            var input = inputs[index];
            var failure = AccountAccess.CheckMovement(caller, accounts, input.FromAccountId, input.ToAccountId, input.Currency, out var from, out var to)
                ?? PostingRules.Post(from!, to!, input.Amount);
            if (failure is not null)
            {
                metrics.Rejected(TransferCodes.Transfer, inputs.Count);
                return isBatch ? (failure with { Status = 422 }).With("index", index) : failure;
            }
            transfers.Add(new Transfer
            {
                Id = clock.NewId(now),
                TenantId = caller.Tenant,
                DebitAccountId = input.FromAccountId,
                CreditAccountId = input.ToAccountId,
                Amount = input.Amount,
                Currency = input.Currency,
                Code = TransferCodes.Transfer,
                Kind = TransferKinds.Posted,
                Description = input.Description,
                Metadata = input.Metadata,
                CreatedAt = now,
            });
        }
        store.Stage(accounts.Values, transfers);
        if (isBatch)
        {
            audit.Record(caller.Tenant, "transfer.batch_posted", "transfer_batch", transfers[0].Id.ToString(), before: null,
                after: new { count = transfers.Count, transfers = transfers.Select(TransferResponse.From) });
        }
        else
        {
            audit.Record(caller.Tenant, "transfer.posted", "transfer", transfers[0].Id.ToString(), before: null, after: TransferResponse.From(transfers[0]));
        }
        return transfers;
    }
}
