using System.Net;
using System.Net.Http.Json;
using Coffer.FakeProvider;

namespace Coffer.Chaos.Tests;

/// <summary>
/// The chaos faults rely on the fake provider behaving as a real one: during a refusal period it refuses payouts it has not
/// made, but a payout it already made (say, one it finished after the client gave up) is answered from its record.
/// </summary>
public sealed class FakeProviderRefusalTests
{
    [Fact(Timeout = 30_000)]
    public async Task RefusalPeriod_RefusesNewKeys_ButAnswersAKeyItAlreadyPaidFromItsRecord()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var client = new HttpClient { BaseAddress = fake.BaseUrl };
        var paid = await PayOutAsync(client, "wd-1");
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);

        await fake.RejectAsync();
        var repeated = await PayOutAsync(client, "wd-1");
        var fresh = await PayOutAsync(client, "wd-2");

        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal("true", repeated.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await paid.Content.ReadAsStringAsync(), await repeated.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fresh.StatusCode);
        var payouts = (await fake.GetCallsAsync()).Payouts;
        Assert.Equal((3, 1, 1), (payouts.Attempts, payouts.Created, payouts.Replayed));
    }

    private static Task<HttpResponseMessage> PayOutAsync(HttpClient client, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "payouts")
        {
            Content = JsonContent.Create(new PayoutBody(key, 4_000, "USD", "GB29NWBK60161331926819", null)),
        };
        request.Headers.Add(FakeProviderApp.IdempotencyKeyHeader, key);
        return client.SendAsync(request);
    }
}
