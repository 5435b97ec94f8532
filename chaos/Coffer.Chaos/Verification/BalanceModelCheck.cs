using System.Net.Http.Headers;
using System.Text.Json;
using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// The harness's model of every wallet equals what the server reports (<c>GET /api/v1/accounts/{id}</c>, as the tenant's
/// operator): posted balance, pending debits and pending credits.
/// </summary>
internal static class BalanceModelCheck
{
    public static async Task CheckAsync(Uri server, ChaosParties parties, IReadOnlyDictionary<Guid, ExpectedBalance> expected, Findings findings)
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(15) };
        foreach (var wallet in parties.Wallets)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/accounts/{wallet.Id}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", parties.Operator(wallet.Tenant).Token);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                findings.Add("balance model", $"wallet {wallet.Id} could not be read: {(int)response.StatusCode} {body}");
                continue;
            }
            using var document = JsonDocument.Parse(body);
            var totals = document.RootElement.GetProperty("totals");
            var actual = new ExpectedBalance(
                totals.GetProperty("postedCredits").GetInt64() - totals.GetProperty("postedDebits").GetInt64(),
                totals.GetProperty("pendingDebits").GetInt64(),
                totals.GetProperty("pendingCredits").GetInt64());
            if (actual != expected[wallet.Id])
            {
                findings.Add("balance model", $"wallet {wallet.Id} ({wallet.Owner}@{wallet.Tenant}): the server says {actual}, the clients' model {expected[wallet.Id]}");
            }
        }
    }
}
