using System.Net.Http.Headers;
using System.Text;
using Coffer.Chaos.Workload;

namespace Coffer.Chaos.Verification;

/// <summary>
/// What an operator does once the provider is back (docs/runbooks/dead-letter.md): replays every dead payout through the API,
/// so its withdrawal settles — paid once, whatever the attempts before did at the provider.
/// </summary>
internal static class DeadJobReplay
{
    public static async Task<int> ReplayAsync(Uri server, int seed, ChaosParties parties, IEnumerable<JobRow> deadJobs, Findings findings)
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(15) };
        var replayed = 0;
        foreach (var job in deadJobs)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/jobs/{job.Id}/replay")
            {
                Content = new StringContent("""{"reason":"chaos harness: the provider is back"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", parties.Operator(job.TenantId).Token);
            request.Headers.Add("Idempotency-Key", $"chaos-{seed}-replay-job-{job.Id}");
            using var response = await client.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                replayed++;
            }
            else
            {
                findings.Add("jobs", $"replaying dead job {job.Id} was answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        return replayed;
    }
}
