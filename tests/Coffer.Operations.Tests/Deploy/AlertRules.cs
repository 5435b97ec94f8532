namespace Coffer.Operations.Tests.Deploy;

internal sealed record AlertRule(YamlView Node)
{
    public string Name => Node["alert"].Text ?? "";

    public string Expression => Node["expr"].Text ?? "";

    public override string ToString() => Node["alert"].Text ?? Node.Path;
}

internal static class AlertRules
{
    public const string RulesFile = "deploy/prometheus/alerts.yml";
    public const string TestsFile = "deploy/prometheus/alerts.test.yml";

    /// <summary>The runbooks alerts may link (docs/runbooks/), written alongside these rules.</summary>
    public static readonly string[] Runbooks = ["incident-response", "rollback", "reconciliation", "dead-letter", "canary-rollout"];

    public static IReadOnlyList<AlertRule> All() =>
        YamlView.LoadSingle(RulesFile)["groups"].Items
            .SelectMany(g => g["rules"].Items)
            .Select(r => new AlertRule(r))
            .ToList();
}
