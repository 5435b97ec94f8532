using System.Text.Json;

namespace Coffer.Approvals.Requests;

/// <summary>An approval as its readers see it, with its signatures (signer subjects and times; null in lists).</summary>
internal sealed record ApprovalResponse(
    Guid Id, string Operation, string Status, long? Amount, string? Currency, string? ResourceId, JsonElement Payload, string InputsHash,
    string RequestedBy, int RequiredSignatures, long PolicyVersion, IReadOnlyList<SignatureResponse>? Signatures, DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DecidedAt, string? RejectedBy, string? RejectionReason,
    Guid? ExecutionJobId, bool Held, DateTimeOffset? ExecutedAt, JsonElement? Result)
{
    public static ApprovalResponse From(ApprovalRequest a, IReadOnlyList<ApprovalSignature>? signatures) => new(
        a.Id, a.Operation, a.Status, a.Amount, a.Currency, a.ResourceId, JsonDocument.Parse(a.Payload).RootElement.Clone(), a.InputsHash,
        a.RequestedBy, a.RequiredSignatures, a.PolicyVersion, signatures?.Select(SignatureResponse.From).ToList(), a.ExpiresAt, a.CreatedAt,
        a.UpdatedAt, a.DecidedAt, a.RejectedBy, a.RejectionReason, a.ExecutionJobId, a.HeldAt is not null, a.ExecutedAt,
        a.Result is null ? null : JsonDocument.Parse(a.Result).RootElement.Clone());
}

internal sealed record SignatureResponse(Guid PartnerId, string Subject, DateTimeOffset SignedAt)
{
    public static SignatureResponse From(ApprovalSignature s) => new(s.PartnerId, s.Subject, s.SignedAt);
}
