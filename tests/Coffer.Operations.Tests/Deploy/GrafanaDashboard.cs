using System.Text.Json;

namespace Coffer.Operations.Tests.Deploy;

internal sealed record DashboardQuery(int PanelId, string PanelTitle, string RefId, string Expression);

internal static class GrafanaDashboard
{
    public const string File = "deploy/grafana/coffer-dashboard.json";

    public static JsonDocument Load() => JsonDocument.Parse(RepoFiles.ReadText(File));

    /// <summary>Every panel that draws data (rows only group them), rows' nested panels included.</summary>
    public static IReadOnlyList<JsonElement> DataPanels(JsonDocument dashboard)
    {
        var panels = new List<JsonElement>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (Text(panel, "type") == "row")
            {
                if (panel.TryGetProperty("panels", out var nested))
                {
                    panels.AddRange(nested.EnumerateArray());
                }
                continue;
            }
            panels.Add(panel);
        }
        return panels;
    }

    public static IReadOnlyList<DashboardQuery> Queries(JsonDocument dashboard) =>
        DataPanels(dashboard)
            .SelectMany(panel => Targets(panel).Select(target => new DashboardQuery(
                panel.GetProperty("id").GetInt32(), Text(panel, "title") ?? "", Text(target, "refId") ?? "", Text(target, "expr") ?? "")))
            .ToList();

    public static IEnumerable<JsonElement> Targets(JsonElement panel) =>
        panel.TryGetProperty("targets", out var targets) && targets.ValueKind == JsonValueKind.Array ? targets.EnumerateArray() : [];

    public static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
