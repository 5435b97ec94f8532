using System.Text.Json;

namespace Coffer.Bench.Investments;

internal sealed record ProductDto(Guid Id, string Status);

internal sealed record InvestmentDto(Guid Id, long Amount, string Status);

internal sealed record JobDto(Guid Id, string Status, DateTimeOffset? FinishedAt, JsonElement? Result);

internal sealed record DividendQueuedDto(Guid JobId, Guid DistributionId);

internal sealed record TallyDto(int Count, long Amount);

internal sealed record DistributionDto(
    Guid Id, string Status, long TotalAmount, TallyDto Paid, TallyDto Pending, TallyDto Failed, DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);
