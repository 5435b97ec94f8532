using System.Text.Json.Serialization;

namespace Coffer.FakeProvider;

/// <summary>The fake's endpoints, as named in <see cref="FakeCalls"/> and <see cref="FakeBehaviour.Endpoint"/>.</summary>
public static class FakeEndpoints
{
    public const string Payouts = "payouts";
    public const string PaymentIntents = "payment-intents";
    public const string Refunds = "refunds";

    /// <summary>An investment partner's endpoints, <c>POST /partner/investments</c> and <c>/partner/redemptions</c>.</summary>
    public const string PartnerInvestments = "partner-investments";
    public const string PartnerRedemptions = "partner-redemptions";

    /// <summary>An email, shipping and object storage provider's endpoints, <c>POST /emails</c>, <c>/shipments</c> and <c>/objects</c>.</summary>
    public const string Emails = "emails";
    public const string Shipments = "shipments";
    public const string Objects = "objects";

    public static readonly string[] All = [Payouts, PaymentIntents, Refunds, PartnerInvestments, PartnerRedemptions, Emails, Shipments, Objects];
}

/// <summary>
/// How the fake answers its next provider calls (<c>POST /_control/behaviour</c>): <c>succeed</c>; <c>fail</c> (503);
/// <c>reject</c> (422 <c>account_closed</c> to a key not acted on yet; a key already acted on gets its stored answer);
/// <c>delay</c> (wait <see cref="DelayMilliseconds"/>, then succeed — even if the client has given up, as a real provider would);
/// <c>hang</c> (never answer; the client gives up). With <see cref="Times"/> the mode applies to that many calls, then the fake
/// succeeds again; without, until changed. With <see cref="Endpoint"/> (one of <see cref="FakeEndpoints.All"/>) it applies to
/// calls to that endpoint only; calls to the others succeed and do not use up <see cref="Times"/>.
/// </summary>
public sealed record FakeBehaviour(string Mode, int? DelayMilliseconds = null, int? Times = null, string? Endpoint = null)
{
    public const string SucceedMode = "succeed";
    public const string FailMode = "fail";
    public const string RejectMode = "reject";
    public const string DelayMode = "delay";
    public const string HangMode = "hang";

    public const int MaxDelayMilliseconds = 300_000;

    public static FakeBehaviour Succeed() => new(SucceedMode);
    public static FakeBehaviour Fail(int? times = null) => new(FailMode, Times: times);
    public static FakeBehaviour Reject(int? times = null) => new(RejectMode, Times: times);
    public static FakeBehaviour Delay(TimeSpan delay, int? times = null) => new(DelayMode, (int)delay.TotalMilliseconds, times);
    public static FakeBehaviour Hang(int? times = null) => new(HangMode, Times: times);

    /// <summary>Why the behaviour cannot be applied, or null when it can.</summary>
    public string? Problem() => Mode switch
    {
        not (SucceedMode or FailMode or RejectMode or DelayMode or HangMode) =>
            $"mode must be {SucceedMode}, {FailMode}, {RejectMode}, {DelayMode} or {HangMode}",
        DelayMode when DelayMilliseconds is not (> 0 and <= MaxDelayMilliseconds) => $"delay needs delayMilliseconds 1 to {MaxDelayMilliseconds}",
        not DelayMode when DelayMilliseconds is not null => "delayMilliseconds goes with mode delay only",
        _ when Times is < 1 => "times must be at least 1",
        _ when Endpoint is not null && !FakeEndpoints.All.Contains(Endpoint) => $"endpoint must be one of {string.Join(", ", FakeEndpoints.All)}",
        _ => null,
    };
}

/// <summary>
/// One request that reached a provider endpoint, and the mode it met (<see cref="FakeProviderState.RefusedMode"/> when a
/// partner call failed the credential check). <see cref="SignatureVerified"/>: for a partner call, whether its API key was
/// registered and its signature checked out; null for the other endpoints. <see cref="PartnerReference"/>: for a verified
/// partner redemption, the partner's reference of the investment it names (what the partner would look up); null otherwise.
/// </summary>
public sealed record FakeCall(
    string Endpoint, string? IdempotencyKey, string Mode, DateTimeOffset AtUtc, bool? SignatureVerified = null, string? PartnerReference = null);

/// <param name="Attempts">Every request that reached the endpoint, whatever it was answered.</param>
/// <param name="Created">
/// Distinct idempotency keys the provider acted on (payouts paid, intents opened, refunds made, emails sent, shipments
/// booked, objects stored).
/// </param>
/// <param name="Replayed">Requests answered from an earlier one with the same key, without acting again.</param>
/// <param name="Calls">The requests, oldest first.</param>
public sealed record FakeEndpointCalls(int Attempts, int Created, int Replayed, IReadOnlyList<FakeCall> Calls);

/// <summary>What <c>GET /_control/calls</c> answers: per endpoint (<see cref="FakeEndpoints"/>).</summary>
public sealed record FakeCalls(IReadOnlyDictionary<string, FakeEndpointCalls> Endpoints)
{
    [JsonIgnore]
    public FakeEndpointCalls Payouts => Endpoints[FakeEndpoints.Payouts];
    [JsonIgnore]
    public FakeEndpointCalls PaymentIntents => Endpoints[FakeEndpoints.PaymentIntents];
    [JsonIgnore]
    public FakeEndpointCalls Refunds => Endpoints[FakeEndpoints.Refunds];
    [JsonIgnore]
    public FakeEndpointCalls PartnerInvestments => Endpoints[FakeEndpoints.PartnerInvestments];
    [JsonIgnore]
    public FakeEndpointCalls PartnerRedemptions => Endpoints[FakeEndpoints.PartnerRedemptions];
    [JsonIgnore]
    public FakeEndpointCalls Emails => Endpoints[FakeEndpoints.Emails];
    [JsonIgnore]
    public FakeEndpointCalls Shipments => Endpoints[FakeEndpoints.Shipments];
    [JsonIgnore]
    public FakeEndpointCalls Objects => Endpoints[FakeEndpoints.Objects];
}

/// <summary>The bodies the fake accepts, in a provider's own terms (deliberately not Coffer's types: the wire is the contract).</summary>
public sealed record PayoutBody(string Reference, long AmountMinor, string Currency, string AccountNumber, string? AccountHolder);

public sealed record PaymentIntentBody(string Reference, long AmountMinor, string Currency, string? Description);

public sealed record RefundBody(string Reference, string PaymentReference, long AmountMinor, string Currency);

public sealed record PartnerInvestmentBody(string Reference, long AmountMinor, string Currency, string ProductCode, string? AccountNumber);

public sealed record PartnerRedemptionBody(string Reference, string PartnerReference, long AmountMinor, string Currency);

public sealed record EmailBody(string Reference, string To, string Subject, string Body);

/// <summary>
/// A shipment to book. Its items are compared by value, so a repeat of the request (a new list, read from a new body) is
/// the same request, answered from the stored shipment, not <c>idempotency_key_reused</c>.
/// </summary>
public sealed record ShipmentBody(string Reference, string OrderId, IReadOnlyList<ShipmentItemBody>? Items)
{
    public bool Equals(ShipmentBody? other) =>
        other is not null && Reference == other.Reference && OrderId == other.OrderId && (Items ?? []).SequenceEqual(other.Items ?? []);

    public override int GetHashCode() => HashCode.Combine(Reference, OrderId, Items?.Count);
}

public sealed record ShipmentItemBody(string Sku, int Quantity);

public sealed record ObjectBody(string Reference, string Key, string ContentType, string ContentBase64);

/// <summary>What <c>POST /_control/partner-credentials</c> takes: an API key the partner endpoints accept, and its signing secret.</summary>
public sealed record PartnerCredentials(string ApiKey, string Secret);

/// <summary>A provider's error answer.</summary>
public sealed record FakeError(string Code, string Message);
