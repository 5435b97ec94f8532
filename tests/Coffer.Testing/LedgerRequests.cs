using System.Net;
using System.Text.Json;

namespace Coffer.Testing;

/// <summary>Request bodies and calls for moving money: deposits, transfers and holds.</summary>
public static class LedgerRequests
{
    /// <summary>POSTs a deposit with the given external reference and returns the raw response, whatever its status.</summary>
    public static Task<HttpResponseMessage> PostDepositAsync(this HttpClient client, Guid accountId, long amount, string currency,
        string externalReference, string? idempotencyKey = null) =>
        client.PostJsonAsync("/api/v1/deposits", new { accountId, amount, currency, externalReference }, idempotencyKey);

    /// <summary>The body of a transfer (or of one batch item) from one account to another.</summary>
    public static object TransferBody(Guid from, Guid to, long amount, string currency = "USD") =>
        new { fromAccountId = from, toAccountId = to, amount, currency };

    /// <summary>POSTs a transfer and returns the raw response, whatever its status.</summary>
    public static Task<HttpResponseMessage> PostTransferAsync(this HttpClient client, Guid from, Guid to, long amount, string currency = "USD",
        string? idempotencyKey = null) =>
        client.PostJsonAsync("/api/v1/transfers", TransferBody(from, to, amount, currency), idempotencyKey);

    /// <summary>POSTs a transfer, asserts 201 Created and returns the transfer.</summary>
    public static async Task<JsonElement> TransferAsync(this HttpClient client, Guid from, Guid to, long amount, string currency = "USD") =>
        await (await client.PostTransferAsync(from, to, amount, currency)).ExpectAsync(HttpStatusCode.Created);

    /// <summary>POSTs a USD hold and returns the raw response, whatever its status.</summary>
    public static Task<HttpResponseMessage> PostHoldAsync(this HttpClient client, Guid from, Guid to, long amount, int expiresInSeconds) =>
        client.PostJsonAsync("/api/v1/holds", new { fromAccountId = from, toAccountId = to, amount, currency = "USD", expiresInSeconds });

    /// <summary>POSTs a USD hold, asserts 201 Created and returns the hold.</summary>
    public static async Task<JsonElement> HoldAsync(this HttpClient client, Guid from, Guid to, long amount, int expiresInSeconds = 3_600) =>
        await (await client.PostHoldAsync(from, to, amount, expiresInSeconds)).ExpectAsync(HttpStatusCode.Created);
}
