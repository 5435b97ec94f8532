using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Providers;

/// <summary>
/// <c>Coffer:Providers:&lt;Payouts|Payments|Partners|Email|Shipping|Storage&gt;:*</c>. Every provider but Partners is
/// registered only when its <c>BaseUrl</c> is set; Partners always is, and takes no <c>BaseUrl</c> (each partner's comes with its call, see
/// <see cref="PartnerEndpoint"/>). The other settings default as below and are checked at start-up (a bad value, an
/// unknown key or an unknown provider stops the process with the key named).
/// </summary>
/// <param name="Name">
/// The provider's name in metrics, logs and errors: <c>payouts</c>, <c>payments</c>, <c>partners</c>, <c>email</c>,
/// <c>shipping</c> or <c>storage</c>.
/// </param>
/// <param name="BaseUrl">
/// Where the provider's endpoints live (always ending in <c>/</c>, so paths resolve beneath it); null for partners.
/// </param>
/// <param name="AttemptTimeout">How long one attempt may take (default 5 s).</param>
/// <param name="TotalTimeout">How long one call may take, retries and backoff included (default 30 s).</param>
/// <param name="MaxRetries">Attempts after the first on a transient failure (default 2; 0 turns retrying off).</param>
/// <param name="RetryBaseDelay">The median delay before the first retry; later ones double, with jitter (default 500 ms).</param>
/// <param name="BreakAfterConsecutiveFailures">
/// Failed attempts in a row that open the circuit (default per provider, see <see cref="DefaultBreakAfterConsecutiveFailures"/>).
/// </param>
/// <param name="BreakDuration">How long an open circuit refuses calls before it lets one probe through (default 30 s).</param>
internal sealed record ProviderSettings(
    string Name,
    Uri? BaseUrl,
    TimeSpan AttemptTimeout,
    TimeSpan TotalTimeout,
    int MaxRetries,
    TimeSpan RetryBaseDelay,
    int BreakAfterConsecutiveFailures,
    TimeSpan BreakDuration)
{
    public const string Section = "Coffer:Providers";

    /// <summary>Configuration section and name of the payout provider.</summary>
    public const string PayoutsSection = "Payouts";
    public const string Payouts = "payouts";

    /// <summary>Configuration section and name of the payment provider.</summary>
    public const string PaymentsSection = "Payments";
    public const string Payments = "payments";

    /// <summary>Configuration section and name of the investment partners (one client, a base URL and circuit per partner).</summary>
    public const string PartnersSection = "Partners";
    public const string Partners = "partners";

    /// <summary>Configuration section and name of the email provider.</summary>
    public const string EmailSection = "Email";
    public const string Email = "email";

    /// <summary>Configuration section and name of the shipping provider.</summary>
    public const string ShippingSection = "Shipping";
    public const string Shipping = "shipping";

    /// <summary>Configuration section and name of the object storage provider.</summary>
    public const string StorageSection = "Storage";
    public const string Storage = "storage";

    public const int MaxRetriesLimit = 10;
    public const int MaxBreakAfterConsecutiveFailures = 1000;
    public static readonly TimeSpan MaxTotalTimeout = TimeSpan.FromMinutes(5);

    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        [PayoutsSection] = Payouts,
        [PaymentsSection] = Payments,
        [PartnersSection] = Partners,
        [EmailSection] = Email,
        [ShippingSection] = Shipping,
        [StorageSection] = Storage,
    };

    private static readonly string[] Keys =
    [
        "BaseUrl", "AttemptTimeoutSeconds", "TotalTimeoutSeconds", "MaxRetries", "RetryBaseDelayMilliseconds",
        "BreakAfterConsecutiveFailures", "BreakSeconds",
    ];

    /// <summary>
    /// How many failed attempts in a row open the circuit of provider <paramref name="name"/> unless configured: 3 for
    /// email and shipping, whose calls a job can make again later at little cost (a confirmation or a label sent late
    /// moves no money), so a struggling provider is given rest sooner; 5 for the others (payouts, payments, partners,
    /// storage).
    /// </summary>
    public static int DefaultBreakAfterConsecutiveFailures(string name) => name is Email or Shipping ? 3 : 5;

    /// <summary>Every configured provider, checked; throws <see cref="InvalidOperationException"/> naming each bad key.</summary>
    public static IReadOnlyList<ProviderSettings> AllFromConfiguration(IConfiguration configuration)
    {
        var unknown = configuration.GetSection(Section).GetChildren()
            .Where(child => !Names.ContainsKey(child.Key))
            .Select(child => $"{Section}:{child.Key} is not a provider (known: {string.Join(", ", Names.Keys)})")
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", unknown) + ".");
        }
        return Names.Keys.Select(section => FromConfiguration(configuration, section)).OfType<ProviderSettings>().ToList();
    }

    /// <summary>
    /// The provider of <paramref name="section"/>: <c>Payouts</c>, <c>Payments</c>, <c>Email</c>, <c>Shipping</c> or
    /// <c>Storage</c> (null when it has no BaseUrl), or <c>Partners</c> (always, without a BaseUrl).
    /// </summary>
    public static ProviderSettings? FromConfiguration(IConfiguration configuration, string section)
    {
        var config = configuration.GetSection($"{Section}:{section}");
        var partners = string.Equals(section, PartnersSection, StringComparison.OrdinalIgnoreCase);
        if (!partners && string.IsNullOrWhiteSpace(config["BaseUrl"]))
        {
            return null;
        }
        var path = config.Path;
        var known = partners ? Keys.Where(key => key != "BaseUrl").ToArray() : Keys;
        var problems = config.GetChildren()
            .Where(child => !known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            .Select(child => partners && string.Equals(child.Key, "BaseUrl", StringComparison.OrdinalIgnoreCase)
                ? $"{path}:{child.Key} is not a setting: each partner's base URL comes with its record (known: {string.Join(", ", known)})"
                : $"{path}:{child.Key} is not a setting (known: {string.Join(", ", known)})")
            .ToList();

        Uri? baseUrl = null;
        if (!partners)
        {
            baseUrl = ParseBaseUrl(config["BaseUrl"], out var problem);
            if (problem is not null)
            {
                problems.Add($"{path}:BaseUrl {problem}");
            }
        }
        // Polly's own bounds: timeouts above 10 ms, a break of 0.5 s to a day. Ours: a retry and time budget fit for one job step.
        var attempt = Read(config, "AttemptTimeoutSeconds", 5.0, v => v > 0.01 && v <= MaxTotalTimeout.TotalSeconds,
            $"above 0.01 and at most {MaxTotalTimeout.TotalSeconds}", problems);
        var total = Read(config, "TotalTimeoutSeconds", 30.0, v => v >= attempt && v <= MaxTotalTimeout.TotalSeconds,
            $"at least AttemptTimeoutSeconds ({attempt}) and at most {MaxTotalTimeout.TotalSeconds}", problems);
        var retries = Read(config, "MaxRetries", 2, v => v is >= 0 and <= MaxRetriesLimit, $"0 to {MaxRetriesLimit}", problems);
        var delay = Read(config, "RetryBaseDelayMilliseconds", 500, v => v is >= 1 and <= 60_000, "1 to 60000", problems);
        // Two at least: Polly's breaker needs two samples in its window before it may open (see ProviderCircuit).
        var breakAfter = Read(config, "BreakAfterConsecutiveFailures", DefaultBreakAfterConsecutiveFailures(Names[section]),
            v => v is >= 2 and <= MaxBreakAfterConsecutiveFailures, $"2 to {MaxBreakAfterConsecutiveFailures}", problems);
        var breakFor = Read(config, "BreakSeconds", 30.0, v => v is >= 0.5 and <= 86_400, "0.5 to 86400", problems);

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", problems) + ".");
        }
        return new ProviderSettings(
            Names[section], baseUrl, TimeSpan.FromSeconds(attempt), TimeSpan.FromSeconds(total), retries,
            TimeSpan.FromMilliseconds(delay), breakAfter, TimeSpan.FromSeconds(breakFor));
    }

    /// <summary>
    /// <paramref name="text"/> as a base URL ending in <c>/</c>, or null with the <paramref name="problem"/> (worded to
    /// follow the URL's name): an absolute https URL; plain http only to a loopback address (a provider simulator on the
    /// same machine), because these calls carry account numbers and credentials.
    /// </summary>
    internal static Uri? ParseBaseUrl(string? text, out string? problem)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problem = "must be an absolute http(s) URL";
            return null;
        }
        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            problem = "must use https (plain http is accepted for a loopback address only)";
            return null;
        }
        problem = null;
        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    /// <summary>The value of <paramref name="key"/>, or <paramref name="fallback"/> when unset; a problem when unreadable or out of range.</summary>
    private static T Read<T>(IConfigurationSection config, string key, T fallback, Func<T, bool> valid, string rule, List<string> problems)
        where T : struct, IParsable<T>
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }
        if (T.TryParse(text, CultureInfo.InvariantCulture, out var value) && valid(value))
        {
            return value;
        }
        problems.Add($"{config.Path}:{key} must be {rule} (found '{text}')");
        return fallback;
    }
}
