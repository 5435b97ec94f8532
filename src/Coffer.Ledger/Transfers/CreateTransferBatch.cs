using System.Security.Claims;
using Coffer.Platform.Identity;
using Coffer.Platform.Problems;
using Coffer.Platform.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Ledger.Transfers;

/// <summary>
/// POST /api/v1/transfers/batch: up to 1000 transfers, all posted or none. An item that fails answers
/// 422 with its <c>index</c> and the item's own code.
/// </summary>
internal static class CreateTransferBatch
{
    public const int MaxTransfers = 1000;

    public sealed record Request(List<CreateTransfer.Request>? Transfers);

    public sealed record Response(IReadOnlyList<TransferResponse> Transfers);

    public static async Task<Results<Created<Response>, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal user, TransferPosting posting, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var items = request.Transfers;
        if (items is null || items.Count == 0)
        {
            errors.Add("transfers", "Send between 1 and 1000 transfers.");
        }
        else if (items.Count > MaxTransfers)
        {
            errors.Add("transfers", $"At most {MaxTransfers} transfers per batch.");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var inputs = items!.Select((item, i) => item is null
            ? Missing(errors, i)
            : CreateTransfer.Validate(errors, $"transfers[{i}].", item)).ToList();
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem(http);
        }
        var outcome = await posting.PostAsync(Caller.From(user), inputs, isBatch: true, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return outcome.Failure.ToProblem(http);
        }
        var response = new Response(outcome.Value.Select(TransferResponse.From).ToList());
        return TypedResults.Created((string?)null, response);
    }

    private static TransferInput Missing(ValidationErrors errors, int index)
    {
        errors.Add($"transfers[{index}]", "Required.");
        return new TransferInput(Guid.Empty, Guid.Empty, 0, "", null, null);
    }
}
