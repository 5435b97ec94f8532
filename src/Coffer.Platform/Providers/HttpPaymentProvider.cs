namespace Coffer.Platform.Providers;

/// <summary><see cref="IPaymentProvider"/> over HTTP: <c>POST {BaseUrl}payment-intents</c> and <c>POST {BaseUrl}refunds</c>.</summary>
internal sealed class HttpPaymentProvider(HttpClient http, ProviderCalls calls) : IPaymentProvider
{
    public Task<PaymentIntent> CreateIntentAsync(PaymentIntentRequest request, CancellationToken ct) =>
        calls.PostAsync<PaymentIntentRequest, PaymentIntent>(http, ProviderSettings.Payments, "payment-intents", request.Reference, request, ct);

    public Task<RefundReceipt> RefundAsync(RefundRequest request, CancellationToken ct) =>
        calls.PostAsync<RefundRequest, RefundReceipt>(http, ProviderSettings.Payments, "refunds", request.Reference, request, ct);
}
