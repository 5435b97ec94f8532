using System.Text.Json;

namespace Coffer.Operations.Tests.Deploy;

public sealed class GrafanaDashboardTests
{
    [Fact]
    public void Dashboard_HasItsUidTitleSchemaAndAPrometheusDatasourceVariable()
    {
        using var dashboard = GrafanaDashboard.Load();
        var root = dashboard.RootElement;
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();

        Assert.Equal("coffer-overview", GrafanaDashboard.Text(root, "uid"));
        Assert.False(string.IsNullOrWhiteSpace(GrafanaDashboard.Text(root, "title")));
        Assert.Equal(39, root.GetProperty("schemaVersion").GetInt32());
        Assert.Contains(variables, v => GrafanaDashboard.Text(v, "name") == "datasource"
            && GrafanaDashboard.Text(v, "type") == "datasource" && GrafanaDashboard.Text(v, "query") == "prometheus");
    }

    [Fact]
    public void EveryPanel_QueriesThroughTheDatasourceVariable_WithNonEmptyExpressions()
    {
        using var dashboard = GrafanaDashboard.Load();
        var panels = GrafanaDashboard.DataPanels(dashboard);
        var ids = dashboard.RootElement.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToList();

        Assert.NotEmpty(panels);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var panel in panels)
        {
            var title = GrafanaDashboard.Text(panel, "title");
            Assert.False(string.IsNullOrWhiteSpace(title), "A panel has no title.");
            Assert.True(panel.TryGetProperty("gridPos", out var grid) && grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32() <= 24,
                $"Panel '{title}' lies outside the 24-column grid.");
            Assert.Equal("${datasource}", GrafanaDashboard.Text(panel.GetProperty("datasource"), "uid"));
            var targets = GrafanaDashboard.Targets(panel).ToList();
            Assert.True(targets.Count > 0, $"Panel '{title}' has no targets.");
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(GrafanaDashboard.Text(t, "expr")), $"Panel '{title}' has an empty expr."));
        }
    }

    [Fact]
    public void DashboardAndAlerts_UseOnlyMetricsCofferExports()
    {
        using var dashboard = GrafanaDashboard.Load();
        var expressions = GrafanaDashboard.Queries(dashboard).Select(q => ($"dashboard panel '{q.PanelTitle}'", q.Expression))
            .Concat(AlertRules.All().Select(r => ($"alert {r.Name}", r.Expression)));

        foreach (var (source, expression) in expressions)
        {
            foreach (var metric in MetricCatalog.CofferMetricsIn(expression))
            {
                Assert.True(MetricCatalog.CofferMetrics.Contains(metric), $"{source} uses {metric}, which Coffer does not export.");
            }
        }
    }

    [Fact]
    public void Dashboard_ChartsEveryCofferMetric()
    {
        using var dashboard = GrafanaDashboard.Load();
        var charted = GrafanaDashboard.Queries(dashboard).SelectMany(q => MetricCatalog.CofferMetricsIn(q.Expression)).ToHashSet();

        Assert.All(MetricCatalog.CofferMetrics, metric => Assert.True(charted.Contains(metric), $"No panel charts {metric}."));
    }

    [Fact]
    public void Dashboard_ChartsHttpLatencyQuantilesAndTheRuntime()
    {
        using var dashboard = GrafanaDashboard.Load();
        var all = string.Join('\n', GrafanaDashboard.Queries(dashboard).Select(q => q.Expression));

        foreach (var quantile in new[] { "0.5", "0.95", "0.99" })
        {
            Assert.Contains($"histogram_quantile({quantile}, ", all, StringComparison.Ordinal);
        }
        foreach (var metric in new[]
        {
            "http_server_request_duration_seconds_count", "http_server_request_duration_seconds_bucket",
            "dotnet_process_memory_working_set_bytes", "dotnet_process_cpu_time_seconds_total", "dotnet_gc_collections_total",
        })
        {
            Assert.Contains(metric, all, StringComparison.Ordinal);
        }
    }
}
