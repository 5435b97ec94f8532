using System.Text.RegularExpressions;

namespace Coffer.Operations.Tests.Deploy;

/// <summary>deploy/prometheus/alerts.yml read as YAML; ToolTests runs promtool on it.</summary>
public sealed partial class AlertRuleTests
{
    private static readonly string[] RequiredAlerts =
    [
        "CofferHighErrorRate", "CofferHighLatencyP95", "CofferLockConflictRate", "CofferReconciliationMismatch",
        "CofferReconciliationStale", "CofferNotReady", "CofferInstanceDown", "CofferFlagKillSwitchActive", "CofferFlagPropagationSlow",
        "CofferDeadJobs", "CofferJobQueueLag", "CofferProviderCircuitOpen",
    ];

    [Fact]
    public void EveryRule_IsAnAlertWithSeveritySummaryDescriptionAndRunbook()
    {
        var rules = AlertRules.All();

        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Name), $"{rule.Node.Path} has no alert name (recording rules belong elsewhere).");
            Assert.False(string.IsNullOrWhiteSpace(rule.Expression), $"{rule}: expr is empty.");
            Assert.Contains(rule.Node["labels"]["severity"].Text, new[] { "page", "warn" });
            foreach (var annotation in new[] { "summary", "description", "runbook_url" })
            {
                Assert.False(string.IsNullOrWhiteSpace(rule.Node["annotations"][annotation].Text), $"{rule}: annotation {annotation} is missing.");
            }
        }
    }

    [Fact]
    public void RequiredAlerts_AreEachDefinedOnce()
    {
        var names = AlertRules.All().Select(r => r.Name).ToList();

        Assert.All(RequiredAlerts, name => Assert.Contains(name, names));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void MoneyAndAvailabilityAlerts_Page()
    {
        var severity = AlertRules.All().ToDictionary(r => r.Name, r => r.Node["labels"]["severity"].Text);

        foreach (var name in new[] { "CofferHighErrorRate", "CofferReconciliationMismatch", "CofferNotReady", "CofferInstanceDown" })
        {
            Assert.Equal("page", severity[name]);
        }
    }

    /// <summary>Every alert links a runbook that exists, so the person paged knows what to do.</summary>
    [Fact]
    public void RunbookUrls_NameARunbookThatExists()
    {
        foreach (var rule in AlertRules.All())
        {
            var url = rule.Node["annotations"]["runbook_url"].Text ?? "";
            var match = RunbookPath().Match(url);
            Assert.True(match.Success, $"{rule}: runbook_url '{url}' should point at docs/runbooks/<name>.md.");
            Assert.Contains(match.Groups["name"].Value, AlertRules.Runbooks);
            var file = Path.Combine(RepoFiles.Root, "docs", "runbooks", match.Groups["name"].Value + ".md");
            Assert.True(File.Exists(file), $"{rule}: {file} does not exist.");
        }
    }

    [Fact]
    public void UnitTests_MakeEveryAlertFire_AndTheErrorRateStaySilentBelowItsThreshold()
    {
        var tests = YamlView.LoadSingle(AlertRules.TestsFile);
        var cases = tests["tests"].Items.SelectMany(t => t["alert_rule_test"].Items).ToList();

        Assert.Contains("alerts.yml", tests["rule_files"].Strings());
        foreach (var rule in AlertRules.All())
        {
            Assert.True(cases.Any(c => c["alertname"].Text == rule.Name && c["exp_alerts"].Items.Count > 0),
                $"{AlertRules.TestsFile} has no case in which {rule} fires.");
        }
        Assert.Contains(cases, c => c["alertname"].Text == "CofferHighErrorRate" && c["exp_alerts"].Items.Count == 0);
    }

    /// <summary>The rules select job="coffer"; the example scrape configuration is what gives the pods that job.</summary>
    [Fact]
    public void JobSelectedByTheRules_IsTheExampleScrapeJob()
    {
        var prometheus = YamlView.LoadSingle("deploy/prometheus/prometheus.example.yml");
        var jobs = prometheus["scrape_configs"].Items.Select(s => s["job_name"].Text).ToList();
        var selected = AlertRules.All().SelectMany(r => JobSelector().Matches(r.Expression)).Select(m => m.Groups["job"].Value).Distinct().ToList();

        Assert.Contains("alerts.yml", prometheus["rule_files"].Strings());
        Assert.Equal(["coffer"], selected);
        Assert.Contains("coffer", jobs);
    }

    [GeneratedRegex(@"^(?:[a-z]+://[^\s]*/)?docs/runbooks/(?<name>[a-z0-9-]+)\.md$")]
    private static partial Regex RunbookPath();

    [GeneratedRegex(@"\bjob\s*=\s*""(?<job>[^""]*)""")]
    private static partial Regex JobSelector();
}
