using Coffer.Platform.Jobs;
using Coffer.Platform.Providers;

namespace Coffer.Commerce.Notifications;

/// <summary>
/// The commerce module's one way to send an email: through the email provider when one is configured
/// (<c>Coffer:Providers:Email</c>, with its retries and circuit breaker), under a reference that makes a resend after a lost
/// answer harmless. Called by jobs only, never inside a request or a transaction, so a failing provider delays mail but never
/// fails an order: a transient failure (or an open circuit) is rethrown for the job to retry later, a rejection is permanent.
/// </summary>
internal sealed class Mailer(IEmailProvider? email = null)
{
    public const string NoRecipient = "no_recipient";
    public const string NoEmailProvider = "no_email_provider";

    public sealed record Outcome(bool Sent, string? SkippedBecause, string? ProviderReference);

    public async Task<Outcome> SendAsync(string reference, string? to, string subject, string body, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(to))
        {
            return new Outcome(false, NoRecipient, null);
        }
        if (email is null)
        {
            return new Outcome(false, NoEmailProvider, null);
        }
        try
        {
            var receipt = await email.SendAsync(new EmailMessage(reference, to, subject, body), cancellationToken);
            return new Outcome(true, null, receipt.ProviderReference);
        }
        catch (ProviderException refused) when (!refused.IsRetryable)
        {
            throw new PermanentJobException($"The email provider refused message {reference}: {refused.ProviderErrorCode ?? refused.Message}.", refused);
        }
    }
}
