using Coffer.FakeProvider;
using Coffer.Platform.Providers;

namespace Coffer.Platform.Tests.Providers;

public sealed class EmailProviderTests
{
    private const string Address = "ada.lovelace@example.org";
    private const string Text = "Dear Ada, your order 42 of two analytical engines has shipped.";

    private static EmailMessage Message(string reference) => new(reference, Address, "Your order has shipped", Text);

    [Fact(Timeout = 30_000)]
    public async Task Send_SendsTheReferenceAsIdempotencyKey_AndTheSameReferenceTwiceSendsOnce()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Email", fake.BaseUrl));

        var first = await host.Email.SendAsync(Message("email-1"), CancellationToken.None);
        var again = await host.Email.SendAsync(Message("email-1"), CancellationToken.None);

        Assert.StartsWith("em_", first.ProviderReference);
        Assert.Equal(("sent", first), (first.Status, again));
        var emails = (await fake.GetCallsAsync()).Emails;
        Assert.Equal((2, 1, 1), (emails.Attempts, emails.Created, emails.Replayed));
        Assert.All(emails.Calls, call => Assert.Equal("email-1", call.IdempotencyKey));
        Assert.Equal(2, host.Calls("email", "success"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Rejection422_IsNotRetried_AndSurfacesAsRejected()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Email", fake.BaseUrl)); // MaxRetries left at 2
        await fake.RejectAsync();

        var failure = await Assert.ThrowsAsync<ProviderException>(() => host.Email.SendAsync(Message("email-2"), CancellationToken.None));

        Assert.Equal((ProviderFailureKind.Rejected, "email", 422), (failure.Kind, failure.Provider, failure.StatusCode));
        Assert.False(failure.IsRetryable);
        var emails = (await fake.GetCallsAsync()).Emails;
        Assert.Equal((1, 0), (emails.Attempts, emails.Created));
        Assert.Equal(1, host.Calls("email", "rejected"));
    }

    [Fact(Timeout = 30_000)]
    public async Task TheRecipientAndTheBody_AreNeverLoggedNorPrinted_WhateverTheOutcome()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Email", fake.BaseUrl, ("MaxRetries", "1")));

        await host.Email.SendAsync(Message("logged-1"), CancellationToken.None);
        await fake.RejectAsync(times: 1);
        var rejected = await Assert.ThrowsAsync<ProviderException>(() => host.Email.SendAsync(Message("logged-2"), CancellationToken.None));
        await fake.FailAsync();
        var failed = await Assert.ThrowsAsync<ProviderException>(() => host.Email.SendAsync(Message("logged-3"), CancellationToken.None));

        var written = string.Join("\n", host.Logs.AllText, rejected.Message, failed.Message, Message("printed").ToString());
        Assert.Contains("logged-2", written); // the log lines are there, and name the reference ...
        Assert.Contains("logged-3", written);
        Assert.Contains("Reference = printed", written);
        Assert.DoesNotContain(Address, written); // ... but never the recipient or the text
        Assert.DoesNotContain(Text, written);
    }
}
