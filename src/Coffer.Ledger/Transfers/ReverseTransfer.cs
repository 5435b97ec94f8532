using Coffer.Ledger.Observability;
using Coffer.Platform.Audit;
using System.Security.Claims;
using Coffer.Ledger.Posting;
using Coffer.Platform.Identity;
using Coffer.Platform.Time;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Ledger.Transfers;

/// <summary>
/// POST /api/v1/transfers/{id}/reversal (operators): a new transfer moving the same amount back.
/// Posted transfers, deposits and hold captures can be reversed, once; the reversing side must have
/// the funds if it is a wallet. Reversals themselves are not reversible: post a new transfer instead.
/// </summary>
internal static class ReverseTransfer
{
    public sealed record Request(string? Reason);

    public static async Task<Results<Created<TransferResponse>, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal user, TransferQueries queries, LedgerStore store, RecordClock clock,
        AuditTrail audit, LedgerMetrics metrics, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var reason = errors.RequiredText("reason", request.Reason, LedgerValidation.MaxDescriptionLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var outcome = await ReverseAsync(caller, id, reason!, queries, store, clock, cancellationToken);
        if (!outcome.IsSuccess)
        {
            metrics.Rejected(TransferCodes.Reversal);
            return outcome.Failure.ToProblem(http);
        }
        var (original, reversal) = outcome.Value;
        audit.Record(caller.Tenant, "transfer.reversed", "transfer", original.Id.ToString(), before: original, after: reversal);
        return TypedResults.Created($"/api/v1/transfers/{reversal.Id}", reversal);
    }

    private static async Task<Outcome<(TransferResponse Original, TransferResponse Reversal)>> ReverseAsync(
        Caller caller, Guid id, string reason, TransferQueries queries, LedgerStore store, RecordClock clock,
        CancellationToken cancellationToken)
    {
        var original = await queries.FindRawAsync(caller.Tenant, id, cancellationToken);
        if (original is null)
        {
            return Failure.NotFound("transfer");
        }
        // Movements another module posted (investments, dividends …) are that module's to compensate: reversing one here
        // would leave the module's own record claiming money that is no longer where it says.
        if (original.Kind is not (TransferKinds.Posted or TransferKinds.PostPending)
            || original.Code is not (TransferCodes.Transfer or TransferCodes.Deposit or TransferCodes.HoldCapture))
        {
            return LedgerFailures.NotReversible("Only posted transfers, deposits and hold captures can be reversed.");
        }
        // Lock both accounts first: a concurrent reversal of the same transfer waits here and then sees ours.
        var accounts = await store.LockAccountsAsync(caller.Tenant, [original.DebitAccountId, original.CreditAccountId], cancellationToken);
        if (await queries.FindReversalOfAsync(id, cancellationToken) is { } existing)
        {
            return LedgerFailures.AlreadyReversed(existing);
        }
        var debit = accounts[original.CreditAccountId];
        var credit = accounts[original.DebitAccountId];
        if (PostingRules.Post(debit, credit, original.Amount) is { } failure)
        {
            return failure;
        }
        var now = clock.Now();
        var reversal = new Transfer
        {
            Id = clock.NewId(now),
            TenantId = caller.Tenant,
            DebitAccountId = debit.Id,
            CreditAccountId = credit.Id,
            Amount = original.Amount,
            Currency = original.Currency,
            Code = TransferCodes.Reversal,
            Kind = TransferKinds.Posted,
            ReversalOf = original.Id,
            Description = reason,
            CreatedAt = now,
        };
        store.Stage(accounts.Values, [reversal]);
        return (TransferResponse.From(original), TransferResponse.From(reversal));
    }
}
