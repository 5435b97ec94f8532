using Coffer.FakeProvider;
using Coffer.Platform.Providers;

namespace Coffer.Platform.Tests.Providers;

public sealed class PaymentProviderTests
{
    [Fact(Timeout = 30_000)]
    public async Task IntentThenRefund_AnswerTheProvidersReferences_EachOncePerReference()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payments", fake.BaseUrl));

        var intent = await host.Payments.CreateIntentAsync(new PaymentIntentRequest("order-7", 4_999, "USD", "Order 7"), CancellationToken.None);
        var refund = await host.Payments.RefundAsync(new RefundRequest("refund-7", intent.ProviderReference, 1_000, "USD"), CancellationToken.None);
        var refundAgain = await host.Payments.RefundAsync(new RefundRequest("refund-7", intent.ProviderReference, 1_000, "USD"), CancellationToken.None);

        Assert.StartsWith("pi_", intent.ProviderReference);
        Assert.StartsWith($"{intent.ProviderReference}_secret_", intent.ClientSecret);
        Assert.DoesNotContain(intent.ClientSecret!, intent.ToString());
        Assert.Equal(("succeeded", refund), (refund.Status, refundAgain));
        var calls = await fake.GetCallsAsync();
        Assert.Equal((1, 1), (calls.PaymentIntents.Attempts, calls.PaymentIntents.Created));
        Assert.Equal((2, 1, 1), (calls.Refunds.Attempts, calls.Refunds.Created, calls.Refunds.Replayed));
        Assert.Equal(3, host.Calls("payments", "success"));
    }

    [Fact(Timeout = 30_000)]
    public async Task SameReferenceWithAnotherBody_IsRejectedByTheProvider_NotPaidTwice()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        using var host = new ProviderHost(ProviderHost.Settings("Payments", fake.BaseUrl));
        await host.Payments.CreateIntentAsync(new PaymentIntentRequest("order-8", 100, "USD"), CancellationToken.None);

        var failure = await Assert.ThrowsAsync<ProviderException>(() =>
            host.Payments.CreateIntentAsync(new PaymentIntentRequest("order-8", 200, "USD"), CancellationToken.None));

        Assert.Equal((ProviderFailureKind.Rejected, "idempotency_key_reused"), (failure.Kind, failure.ProviderErrorCode));
        Assert.Equal(1, (await fake.GetCallsAsync()).PaymentIntents.Created);
    }
}
