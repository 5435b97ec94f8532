using Coffer.Ledger.Money;
using System.Security.Claims;
using Coffer.Platform.Identity;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Ledger.Transfers;

/// <summary>POST /api/v1/transfers: one posted transfer between two accounts of the caller's tenant.</summary>
internal static class CreateTransfer
{
    public sealed record Request(
        Guid? FromAccountId, Guid? ToAccountId, long? Amount, string? Currency, string? Description = null,
        Dictionary<string, string>? Metadata = null);

    public static async Task<Results<Created<TransferResponse>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, TransferPosting posting, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var input = Validate(errors, "", request);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var outcome = await posting.PostAsync(Caller.From(user), [input], isBatch: false, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return outcome.Failure.ToProblem(http);
        }
        var transfer = TransferResponse.From(outcome.Value[0]);
        return TypedResults.Created($"/api/v1/transfers/{transfer.Id}", transfer);
    }

    /// <summary>Field rules of one transfer; <paramref name="prefix"/> locates it inside a batch.</summary>
    public static TransferInput Validate(ValidationErrors errors, string prefix, Request request)
    {
        var from = errors.Id(prefix + "fromAccountId", request.FromAccountId);
        var to = errors.Id(prefix + "toAccountId", request.ToAccountId);
        if (from != Guid.Empty && from == to)
        {
            errors.Add(prefix + "toAccountId", "Must differ from fromAccountId.");
        }
        var amount = errors.Amount(prefix + "amount", request.Amount);
        var currency = errors.Currency(prefix + "currency", request.Currency);
        var description = errors.OptionalText(prefix + "description", request.Description, LedgerValidation.MaxDescriptionLength);
        var metadata = errors.Metadata(prefix + "metadata", request.Metadata);
        return new TransferInput(from, to, amount, currency, description, metadata);
    }
}
