using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Coffer.Testing;

/// <summary>Small helpers to drive the API the way a client would.</summary>
public static class ApiExtensions
{
    /// <summary>POSTs JSON with an Idempotency-Key (a fresh one unless given).</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object? body, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return client.SendAsync(request, cancellationToken);
    }

    /// <summary>PUTs JSON, with <c>If-Match</c> when given.</summary>
    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object? body, string? ifMatch = null,
        CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request, cancellationToken);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Asserts the status (showing the body when it differs) and returns the JSON body.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status)
        {
            throw new Xunit.Sdk.XunitException($"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        }
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<Guid> CreateWalletAsync(this HttpClient client, string currency = "USD", string? ownerId = null)
    {
        var json = await (await client.PostJsonAsync("/api/v1/accounts", new { currency, ownerId })).ExpectAsync(HttpStatusCode.Created);
        return json.GetProperty("id").GetGuid();
    }

    public static async Task<Guid> DepositAsync(this HttpClient operatorClient, Guid accountId, long amount, string currency = "USD")
    {
        var json = await (await operatorClient.PostDepositAsync(accountId, amount, currency, $"ext-{Guid.NewGuid():N}"))
            .ExpectAsync(HttpStatusCode.Created);
        return json.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> BalanceAsync(this HttpClient client, Guid accountId) =>
        (await (await client.GetAsync($"/api/v1/accounts/{accountId}")).ExpectAsync(HttpStatusCode.OK)).GetProperty("balance");

    public static string Code(this JsonElement problem) => problem.GetProperty("code").GetString()!;
}
