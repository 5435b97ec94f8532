using System.Text.Json;

namespace Coffer.Chaos.Workload;

/// <summary>What a request finally came to, from the client's side.</summary>
internal enum OutcomeKind
{
    /// <summary>A 2xx: the server acknowledged the operation, so its effect must be durable.</summary>
    Succeeded,

    /// <summary>A definitive refusal (4xx other than 409 in flight and 429): nothing may have been applied.</summary>
    Refused,

    /// <summary>No definitive answer within the retry limit (connection lost, timeouts, 5xx): resolved after the faults.</summary>
    Unknown,
}

/// <summary>A request's definitive answer (or none): status, body, whether the server replayed it, and how many sends it took.</summary>
internal sealed record ApiOutcome(OutcomeKind Kind, int Status, string Body, bool Replayed, int Attempts)
{
    public static ApiOutcome None(int attempts, string lastError) => new(OutcomeKind.Unknown, 0, lastError, false, attempts);

    /// <summary>A GUID property of the JSON body (<c>id</c>, <c>withdrawalId</c>), when there is one.</summary>
    public Guid? Id(string property) => Property(property) is { ValueKind: JsonValueKind.String } value && value.TryGetGuid(out var id) ? id : null;

    public string? Text(string property) => Property(property) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public long? Number(string property) => Property(property) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : null;

    /// <summary>The problem+json <c>code</c> of a refusal.</summary>
    public string? Code => Property("code") is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public override string ToString() => Kind == OutcomeKind.Unknown
        ? $"unknown after {Attempts} send(s): {Body}"
        : $"{Status} {(Body.Length > 300 ? Body[..300] + "…" : Body)}";

    private JsonElement? Property(string name)
    {
        if (Kind == OutcomeKind.Unknown || Body.Length == 0 || Body[0] != '{')
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
