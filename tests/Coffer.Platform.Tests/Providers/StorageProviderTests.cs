using Coffer.FakeProvider;
using Coffer.Platform.Providers;

namespace Coffer.Platform.Tests.Providers;

public sealed class StorageProviderTests
{
    private static readonly string Content = Convert.ToBase64String("%PDF-1.7 invoice 42 for Ada Lovelace"u8);

    private static StorageRequest Request(string reference, string key = "invoices/2026/inv-42.pdf") =>
        new(reference, key, "application/pdf", Content);

    [Fact(Timeout = 30_000)]
    public async Task Put_SendsTheReferenceAsIdempotencyKey_AnswersTheKey_AndStoresOncePerReference()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Storage", fake.BaseUrl));

        var first = await host.Storage.PutAsync(Request("put-1"), CancellationToken.None);
        var again = await host.Storage.PutAsync(Request("put-1"), CancellationToken.None);

        Assert.StartsWith("ob_", first.ProviderReference);
        Assert.Equal(("invoices/2026/inv-42.pdf", first), (first.Key, again));
        var objects = (await fake.GetCallsAsync()).Objects;
        Assert.Equal((2, 1, 1), (objects.Attempts, objects.Created, objects.Replayed));
        Assert.All(objects.Calls, call => Assert.Equal("put-1", call.IdempotencyKey));
        Assert.Equal(2, host.Calls("storage", "success"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Rejection422_IsNotRetried_AndSurfacesAsRejected()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Storage", fake.BaseUrl)); // MaxRetries left at 2
        await fake.RejectAsync();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => host.Storage.PutAsync(Request("put-2"), CancellationToken.None));

        Assert.Equal((ProviderFailureKind.Rejected, "storage", 422), (failure.Kind, failure.Provider, failure.StatusCode));
        Assert.False(failure.IsRetryable);
        var objects = (await fake.GetCallsAsync()).Objects;
        Assert.Equal((1, 0), (objects.Attempts, objects.Created));
        Assert.Equal(1, host.Calls("storage", "rejected"));
    }

    [Fact]
    public void ToString_PrintsTheContentsLength_NotTheContent() =>
        Assert.Equal($"StorageRequest {{ Reference = put-3, Key = a.pdf, ContentType = application/pdf, ContentBase64 = ({Content.Length} characters) }}",
            Request("put-3", "a.pdf").ToString());
}
