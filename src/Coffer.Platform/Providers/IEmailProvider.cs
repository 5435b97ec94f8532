using System.Text;
using Coffer.Platform.Observability;

namespace Coffer.Platform.Providers;

/// <summary>
/// Sends transactional email (order confirmations, receipts) through the configured email provider
/// (<c>Coffer:Providers:Email</c>). Registered only when the provider is configured.
/// </summary>
public interface IEmailProvider
{
    /// <summary>
    /// <c>POST {BaseUrl}emails</c>. Safe to repeat with the same <see cref="EmailMessage.Reference"/>: the provider sends
    /// once and answers the same receipt, so a job may retry a call whose outcome it never saw without mailing twice.
    /// </summary>
    /// <exception cref="ProviderException">The provider refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    Task<EmailReceipt> SendAsync(EmailMessage message, CancellationToken ct);
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>: the provider sends each reference once.</param>
/// <param name="To">The recipient's address: personal, never logged (and left out of <see cref="ToString"/>).</param>
/// <param name="Subject">The subject line.</param>
/// <param name="Body">The message text: it names the customer and what they bought, so it is never logged or printed either.</param>
public sealed record EmailMessage(string Reference, [property: PersonalData] string To, string Subject, [property: PersonalData] string Body)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Reference = {Reference}, To = ***, Subject = {Subject}, Body = ***");
        return true;
    }
}

/// <param name="ProviderReference">The provider's id of the message.</param>
/// <param name="Status">The provider's status of the message: <c>sent</c> (accepted for delivery, not yet delivered).</param>
public sealed record EmailReceipt(string ProviderReference, string Status);
