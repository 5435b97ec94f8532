using System.Globalization;
using System.Net;
using Coffer.Bench.Load;
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

    /// <summary>
    /// The hot path: one transfer, answering the status, for a failure the problem code, and with
    /// <paramref name="readId"/> the new transfer's id (read from the start of the 201 body).
    /// </summary>
    public async Task<(ApiOutcome Outcome, Guid? Id)> TransferAsync(Guid from, Guid to, long amountMinor, string currency, string key,
        bool readId, CancellationToken cancellationToken)
    {
        // Hand-built JSON: the generator shares the 2 cores with the server, so it spends as little as it can.
        var body = $"{{\"fromAccountId\":\"{from}\",\"toAccountId\":\"{to}\",\"amount\":{amountMinor},\"currency\":\"{currency}\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/transfers") { Content = Utf8Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return (new ApiOutcome(201, null), readId ? FirstId(await response.Content.ReadAsByteArrayAsync(cancellationToken)) : null);
        }
        return (await FailureAsync(response, cancellationToken), null);
    }

    /// <summary>POST /api/v1/transfers/batch: the pairs as one all-or-nothing batch under one Idempotency-Key.</summary>
    public async Task<ApiOutcome> TransferBatchAsync(IReadOnlyList<(Guid From, Guid To)> pairs, long amountMinor, string currency, string key,
        CancellationToken cancellationToken)
    {
        var body = new StringBuilder(32 + pairs.Count * 140).Append("{\"transfers\":[");
        for (var i = 0; i < pairs.Count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"fromAccountId\":\"{pairs[i].From}\",\"toAccountId\":\"{pairs[i].To}\",\"amount\":{amountMinor},\"currency\":\"{currency}\"}}");
        }
        body.Append("]}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/transfers/batch") { Content = Utf8Json(body.ToString()) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response.StatusCode == HttpStatusCode.Created ? new ApiOutcome(201, null) : await FailureAsync(response, cancellationToken);
    }

    /// <summary>A read under load (GET account, statement page, transfer): the whole body is received, only the status kept.</summary>
    public async Task<ApiOutcome> ReadAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? new ApiOutcome(200, null) : await FailureAsync(response, cancellationToken);
    }

    public async Task<AccountDto> CreateWalletAsync(string currency, string ownerId, string name, string key, CancellationToken cancellationToken) =>
        await PostAsync<AccountDto>("api/v1/accounts", new { currency, ownerId, name }, key, cancellationToken);

    /// <summary>Credits a wallet from the tenant's clearing account; answers the deposit transfer's id.</summary>
    public async Task<Guid> DepositAsync(Guid accountId, long amount, string currency, string reference, string key, CancellationToken cancellationToken) =>
        (await PostAsync<TransferDto>("api/v1/deposits", new { accountId, amount, currency, externalReference = reference }, key, cancellationToken)).Id;

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

    /// <summary>
    /// A POST under load with a hand-built JSON body: the status, for a failure the problem code, and for a success the
    /// GUID properties named in <paramref name="read"/> (e.g. <c>id</c>, <c>jobId</c>) with the time the answer arrived.
    /// </summary>
    public async Task<(ApiOutcome Outcome, IReadOnlyDictionary<string, Guid> Ids)> PostForIdsAsync(
        string path, string body, string key, IReadOnlyList<string> read, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Utf8Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (await FailureAsync(response, cancellationToken), EmptyIds);
        }
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        foreach (var name in read)
        {
            if (document.RootElement.TryGetProperty(name, out var value) && value.TryGetGuid(out var id))
            {
                ids[name] = id;
            }
        }
        return (new ApiOutcome((int)response.StatusCode, null), ids);
    }

    private static readonly IReadOnlyDictionary<string, Guid> EmptyIds = new Dictionary<string, Guid>();

    /// <summary>
    /// POST /api/v1/commerce/orders as one customer (<paramref name="customerToken"/> replaces the client's operator token for
    /// this request): the status, for a failure the problem code, for a 201 the order's id and total.
    /// </summary>
    public async Task<(ApiOutcome Outcome, Guid? OrderId, long TotalMinor)> CheckoutAsync(
        string body, string key, string customerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/commerce/orders") { Content = Utf8Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customerToken);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (await FailureAsync(response, cancellationToken), null, 0);
        }
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        var root = document.RootElement;
        return (new ApiOutcome(201, null), root.GetProperty("id").GetGuid(), root.GetProperty("total").GetInt64());
    }

    /// <summary>A POST outside the measured window (setup, the dividend): the body as <typeparamref name="T"/>, any failure thrown.</summary>
    public Task<T> PostJsonAsync<T>(string path, object payload, string key, CancellationToken cancellationToken) =>
        PostAsync<T>(path, payload, key, cancellationToken);

    /// <summary>A GET outside the measured window: the body as <typeparamref name="T"/>, any failure thrown.</summary>
    public Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken) => GetAsync<T>(path, cancellationToken);

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

    private static ByteArrayContent Utf8Json(string body) =>
        new(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = JsonMediaType } };

    private static async Task<ApiOutcome> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new((int)response.StatusCode, ProblemCode(await response.Content.ReadAsStringAsync(cancellationToken)));

    /// <summary>The first <c>"id"</c> property of a JSON object (a transfer response starts with it).</summary>
    private static Guid? FirstId(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8) && reader.Read())
            {
                return reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var id) ? id : null;
            }
        }
        return null;
    }

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

internal sealed record AccountDto(Guid Id, string? OwnerId, string Currency, string Kind, BalanceDto Balance, TotalsDto Totals, string? SystemCode = null);

internal sealed record BalanceDto(long Posted, long Pending, long Available);

internal sealed record TotalsDto(long PostedDebits, long PostedCredits, long PendingDebits, long PendingCredits);

internal sealed record TransferDto(Guid Id);

internal sealed record EntryDto(Guid TransferId, string Direction, long Amount, string Currency, string Code);
