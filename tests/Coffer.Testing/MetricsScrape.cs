using System.Globalization;
using System.Text.RegularExpressions;

namespace Coffer.Testing;

/// <summary>
/// Reads <c>/metrics</c> (Prometheus text format). Series are matched by name and a subset of labels. Meters are
/// process-wide, so servers of parallel tests may add to the same series: assert presence and growth, not exact totals.
/// </summary>
public static partial class MetricsScrape
{
    public static async Task<string> ScrapeAsync(this CofferTestServer server)
    {
        using var client = server.CreateClient();
        return await client.GetStringAsync("/metrics");
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>; null when none.</summary>
    public static double? Value(string exposition, string name, params (string Label, string Value)[] labels)
    {
        double? sum = null;
        foreach (Match match in SampleLine().Matches(exposition))
        {
            if (match.Groups["name"].Value != name)
            {
                continue;
            }
            var text = match.Groups["labels"].Value;
            if (labels.All(l => text.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                sum = (sum ?? 0) + double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }
        return sum;
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds (gauges are sampled in the background), or fails after the timeout.</summary>
    public static async Task<string> ScrapeUntilAsync(this CofferTestServer server, Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var exposition = await server.ScrapeAsync();
            if (condition(exposition))
            {
                return exposition;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"/metrics never showed {what} within {timeout}:\n{exposition}");
            }
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
