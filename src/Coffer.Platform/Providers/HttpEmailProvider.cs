namespace Coffer.Platform.Providers;

/// <summary><see cref="IEmailProvider"/> over HTTP: <c>POST {BaseUrl}emails</c>.</summary>
internal sealed class HttpEmailProvider(HttpClient http, ProviderCalls calls) : IEmailProvider
{
    public Task<EmailReceipt> SendAsync(EmailMessage message, CancellationToken ct) =>
        calls.PostAsync<EmailMessage, EmailReceipt>(http, ProviderSettings.Email, "emails", message.Reference, message, ct);
}
