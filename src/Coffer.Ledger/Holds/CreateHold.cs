using Coffer.Ledger.Money;
using Coffer.Ledger.Observability;
using Coffer.Platform.Audit;
using System.Security.Claims;
using Coffer.Ledger.Posting;
using Coffer.Ledger.Transfers;
using Coffer.Platform.Identity;
using Coffer.Platform.Time;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Ledger.Holds;

/// <summary>
/// POST /api/v1/holds: reserves an amount from one account for another (a pending transfer).
/// The payer's available balance drops at once; the payee (or an operator or service) later captures
/// all or part of it, or voids it; otherwise it expires after <c>expiresInSeconds</c>.
/// </summary>
internal static class CreateHold
{
    public const int MaxExpiresInSeconds = 30 * 24 * 3600;

    public sealed record Request(Guid? FromAccountId, Guid? ToAccountId, long? Amount, string? Currency, int? ExpiresInSeconds, string? Description = null);

    public static async Task<Results<Created<HoldResponse>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, LedgerStore store, RecordClock clock, AuditTrail audit, LedgerMetrics metrics,
        HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var from = errors.Id("fromAccountId", request.FromAccountId);
        var to = errors.Id("toAccountId", request.ToAccountId);
        if (from != Guid.Empty && from == to)
        {
            errors.Add("toAccountId", "Must differ from fromAccountId.");
        }
        var amount = errors.Amount("amount", request.Amount);
        var currency = errors.Currency("currency", request.Currency);
        var expiresIn = errors.Required("expiresInSeconds", request.ExpiresInSeconds) ?? 0;
        if (request.ExpiresInSeconds is < 1 or > MaxExpiresInSeconds)
        {
            errors.Add("expiresInSeconds", $"Between 1 and {MaxExpiresInSeconds} seconds.");
        }
        var description = errors.OptionalText("description", request.Description, LedgerValidation.MaxDescriptionLength);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var caller = Caller.From(user);
        var accounts = await store.LockAccountsAsync(caller.Tenant, [from, to], cancellationToken);
        var failure = AccountAccess.CheckMovement(caller, accounts, from, to, currency, out var debit, out var credit)
            ?? PostingRules.Reserve(debit!, credit!, amount);
        if (failure is not null)
        {
            metrics.Rejected(TransferCodes.Hold);
            return failure.ToProblem(http);
        }
        var now = clock.Now();
        var hold = Stage(store, clock, now, caller.Tenant, accounts, from, to, amount, currency, TimeSpan.FromSeconds(expiresIn), description);
        var placed = HoldResponse.From(hold, now);
        audit.Record(caller.Tenant, "hold.placed", "hold", hold.Id.ToString(), before: null, after: placed);
        return TypedResults.Created($"/api/v1/holds/{hold.Id}", placed);
    }

    /// <summary>
    /// Stages a hold of <paramref name="amount"/> from <paramref name="from"/> to <paramref name="to"/> (a pending transfer
    /// and its hold row) in the open unit of work. The accounts are locked and <see cref="PostingRules.Reserve"/> has
    /// passed: the caller checked who may move what.
    /// </summary>
    internal static Hold Stage(LedgerStore store, RecordClock clock, DateTimeOffset now, string tenantId,
        IReadOnlyDictionary<Guid, AccountSnapshot> accounts, Guid from, Guid to, long amount, string currency, TimeSpan expiresIn, string? description,
        string? reference = null)
    {
        var pending = new Transfer
        {
            Id = clock.NewId(now),
            TenantId = tenantId,
            DebitAccountId = from,
            CreditAccountId = to,
            Amount = amount,
            Currency = currency,
            Code = TransferCodes.Hold,
            Kind = TransferKinds.Pending,
            Description = description,
            ExternalReference = reference,
            CreatedAt = now,
        };
        var hold = new Hold
        {
            Id = pending.Id,
            TenantId = tenantId,
            DebitAccountId = from,
            CreditAccountId = to,
            Amount = amount,
            Currency = currency,
            Status = HoldStatuses.Pending,
            ExpiresAt = now + expiresIn,
            CreatedAt = now,
        };
        store.Stage(accounts.Values, [pending], LedgerStore.InsertHold(hold));
        return hold;
    }
}
