using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Webhooks;

/// <summary>
/// The signing secrets of each webhook source: <c>Coffer:Webhooks:&lt;Source&gt;:Secrets:0</c>, <c>:1</c> … (Standard
/// Webhooks <c>whsec_…</c>; list the new secret next to the old one while the sender rotates) and
/// <c>:ToleranceSeconds</c> (300). A source without secrets refuses every delivery.
/// </summary>
public sealed class WebhookSecrets(IConfiguration configuration)
{
    public StandardWebhookVerifier? VerifierFor(string source)
    {
        var section = configuration.GetSection($"Coffer:Webhooks:{source}");
        var secrets = section.GetSection("Secrets").GetChildren().Select(c => c.Value).OfType<string>().Where(s => s.Length > 0).ToList();
        return secrets.Count == 0
            ? null
            : new StandardWebhookVerifier(secrets, TimeSpan.FromSeconds(section.GetValue("ToleranceSeconds", StandardWebhookVerifier.DefaultTolerance.TotalSeconds)));
    }
}
