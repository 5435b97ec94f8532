using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Coffer.Operations.Tests.Deploy;

/// <summary>
/// promtool and yamllint on deploy/. scripts/install-deps.sh installs both; a missing tool fails the test
/// rather than letting it pass unchecked.
/// </summary>
public sealed class ToolTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 90_000)]
    public async Task Promtool_AcceptsTheAlertRules()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");

        var result = await ExternalTool.RunAsync(promtool, ["check", "rules", AlertRules.RulesFile], Limit);

        Assert.True(result.ExitCode == 0, $"promtool check rules failed:\n{result.Output}");
    }

    [Fact(Timeout = 90_000)]
    public async Task Promtool_UnitTestsOfTheAlertRulesPass()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");

        var result = await ExternalTool.RunAsync(promtool, ["test", "rules", AlertRules.TestsFile], Limit);

        Assert.True(result.ExitCode == 0, $"promtool test rules failed:\n{result.Output}");
    }

    /// <summary>Grafana shows a broken query only as an empty panel; promtool parses each one as a recording rule.</summary>
    [Fact(Timeout = 90_000)]
    public async Task Promtool_ParsesEveryDashboardQuery()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");
        using var dashboard = GrafanaDashboard.Load();
        var rules = new StringBuilder("groups:\n  - name: coffer-dashboard\n    rules:\n");
        foreach (var query in GrafanaDashboard.Queries(dashboard))
        {
            // Grafana's interval variables, as Grafana would substitute them.
            var expression = query.Expression
                .Replace("$__rate_interval", "5m", StringComparison.Ordinal)
                .Replace("$__interval", "1m", StringComparison.Ordinal)
                .Replace("$__range", "6h", StringComparison.Ordinal);
            rules.Append(CultureInfo.InvariantCulture, $"      - record: dashboard:panel_{query.PanelId}:{query.RefId}\n");
            rules.Append(CultureInfo.InvariantCulture, $"        expr: {JsonSerializer.Serialize(expression)}\n");
        }
        var file = Path.Combine(Path.GetTempPath(), $"coffer-dashboard-queries-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules.ToString());
        try
        {
            var result = await ExternalTool.RunAsync(promtool, ["check", "rules", file], Limit);

            Assert.True(result.ExitCode == 0, $"promtool rejects a query of {GrafanaDashboard.File}:\n{result.Output}\n{rules}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task Yamllint_PassesOnDeploy()
    {
        var yamllint = ExternalTool.Require("yamllint", "yamllint");

        // -s: warnings fail too.
        var result = await ExternalTool.RunAsync(yamllint, ["-s", "-c", "deploy/.yamllint", "deploy/"], Limit);

        Assert.True(result.ExitCode == 0, $"yamllint found problems in deploy/:\n{result.Output}");
    }
}
