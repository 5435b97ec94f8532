using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Coffer.Bench.Transfers;

/// <summary>
/// The few Coffer endpoints the benchmark uses, over one shared <see cref="HttpClient"/> whose handler
/// keeps at most <c>connections</c> keep-alive HTTP/1.1 connections to the server.
/// </summary>
internal sealed class CofferApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private readonly HttpClient _http;

    public CofferApi(Uri baseAddress, string token, int connections, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestVersion = HttpVersion.Version11;
        _http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
    }

    /// <summary>The hot path: one transfer, answering only the status and, for a failure, the problem code.</summary>
    public async Task<(int Status, string? Code)> TransferAsync(Guid from, Guid to, long amountMinor, string currency, string key,
        CancellationToken cancellationToken)
    {
        // Hand-built JSON: the generator shares the 2 cores with the server, so it spends as little as it can.
        var body = $"{{\"fromAccountId\":\"{from}\",\"toAccountId\":\"{to}\",\"amount\":{amountMinor},\"currency\":\"{currency}\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/transfers")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = JsonMediaType } },
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return (201, null);
        }
        return ((int)response.StatusCode, ProblemCode(await response.Content.ReadAsStringAsync(cancellationToken)));
    }

    public async Task<AccountDto> CreateWalletAsync(string currency, string ownerId, string name, string key, CancellationToken cancellationToken) =>
        await PostAsync<AccountDto>("api/v1/accounts", new { currency, ownerId, name }, key, cancellationToken);

    public async Task DepositAsync(Guid accountId, long amount, string currency, string reference, string key, CancellationToken cancellationToken) =>
        await PostAsync<JsonElement>("api/v1/deposits", new { accountId, amount, currency, externalReference = reference }, key, cancellationToken);

    /// <summary>Every account of one kind (wallets of one owner, or the tenant's system accounts), page by page.</summary>
    public async Task<List<AccountDto>> ListAccountsAsync(string kind, string? ownerId, CancellationToken cancellationToken)
    {
        var all = new List<AccountDto>();
        string? cursor = null;
        do
        {
            var query = $"api/v1/accounts?kind={kind}&limit=200"
                + (ownerId is null ? "" : $"&ownerId={Uri.EscapeDataString(ownerId)}")
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await GetAsync<Page<AccountDto>>(query, cancellationToken);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Walks an account's whole statement and counts its entries by direction and code.</summary>
    public async Task<Dictionary<string, long>> CountEntriesAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var query = $"api/v1/accounts/{accountId}/entries?limit=200" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await GetAsync<Page<EntryDto>>(query, cancellationToken);
            foreach (var entry in page.Items)
            {
                var key = $"{entry.Direction}:{entry.Code}";
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return counts;
    }

    private async Task<T> PostAsync<T>(string path, object payload, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent(payload) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {Truncate(text)}",
                null, response.StatusCode);
        }
        return JsonSerializer.Deserialize<T>(text, Json)
            ?? throw new InvalidDataException($"{response.RequestMessage?.RequestUri} answered an empty body.");
    }

    private static ByteArrayContent JsonContent(object payload) =>
        new(JsonSerializer.SerializeToUtf8Bytes(payload, Json)) { Headers = { ContentType = JsonMediaType } };

    private static string? ProblemCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code)
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return "(not json)";
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    public void Dispose() => _http.Dispose();
}

internal sealed record Page<T>(List<T> Items, string? NextCursor);

internal sealed record AccountDto(Guid Id, string? OwnerId, string Currency, string Kind, BalanceDto Balance, TotalsDto Totals);

internal sealed record BalanceDto(long Posted, long Pending, long Available);

internal sealed record TotalsDto(long PostedDebits, long PostedCredits, long PendingDebits, long PendingCredits);

internal sealed record EntryDto(Guid TransferId, string Direction, long Amount, string Currency, string Code);
