namespace Coffer.Platform.Providers;

/// <summary><see cref="IPayoutProvider"/> over HTTP: <c>POST {BaseUrl}payouts</c>.</summary>
internal sealed class HttpPayoutProvider(HttpClient http, ProviderCalls calls) : IPayoutProvider
{
    public Task<PayoutReceipt> PayOutAsync(PayoutRequest request, CancellationToken ct) =>
        calls.PostAsync<PayoutRequest, PayoutReceipt>(http, ProviderSettings.Payouts, "payouts", request.Reference, request, ct);
}
