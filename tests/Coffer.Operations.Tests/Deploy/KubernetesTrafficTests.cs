namespace Coffer.Operations.Tests.Deploy;

/// <summary>Scaling, disruption budgets, the Service and the NetworkPolicies.</summary>
public sealed class KubernetesTrafficTests
{
    private static readonly int[] DataStorePortsAndDns = [53, 5432, 5672, 6379];

    [Fact]
    public void Hpa_ScalesTheApiDeploymentFrom2To10OnCpu70()
    {
        var hpa = Assert.Single(Manifests.OfKind("HorizontalPodAutoscaler"));
        var target = hpa.Spec["scaleTargetRef"];
        var cpu = Assert.Single(hpa.Spec["metrics"].Items, m => m["resource"]["name"].Text == "cpu");

        Assert.Equal("autoscaling/v2", hpa.Root["apiVersion"].Text);
        Assert.Equal(("Deployment", "coffer-api"), (target["kind"].Text, target["name"].Text));
        Manifests.Single("Deployment", "coffer-api");
        Assert.Equal(2, hpa.Spec["minReplicas"].Integer);
        Assert.Equal(10, hpa.Spec["maxReplicas"].Integer);
        Assert.Equal("Utilization", cpu["resource"]["target"]["type"].Text);
        Assert.Equal(70, cpu["resource"]["target"]["averageUtilization"].Integer);
    }

    [Theory]
    [InlineData("coffer-api")]
    [InlineData("coffer-worker")]
    public void Deployment_HasOneDisruptionBudgetKeepingOnePod(string name)
    {
        var deployment = Manifests.Single("Deployment", name);
        var other = Manifests.OfKind("Deployment").Single(d => d.Name != name);

        var budget = Assert.Single(Manifests.OfKind("PodDisruptionBudget"),
            p => Manifests.Selects(p.Spec["selector"]["matchLabels"].StringMap(), deployment.PodLabels));
        Assert.Equal(1, budget.Spec["minAvailable"].Integer);
        Assert.False(Manifests.Selects(budget.Spec["selector"]["matchLabels"].StringMap(), other.PodLabels),
            $"{budget} also selects the pods of {other}.");
    }

    [Fact]
    public void Service_RoutesToTheApiPodsOnly_OnPort8080()
    {
        var service = Manifests.Single("Service", "coffer-api");
        var selector = service.Spec["selector"].StringMap();
        var api = Manifests.Single("Deployment", "coffer-api");
        var port = Assert.Single(service.Spec["ports"].Items);

        Assert.True(Manifests.Selects(selector, api.PodLabels), "The Service does not select the api pods.");
        Assert.False(Manifests.Selects(selector, Manifests.Single("Deployment", "coffer-worker").PodLabels), "The Service also selects the worker pods.");
        Assert.Equal(8080, Manifests.ResolvePort(port["targetPort"], api.Containers.Single()));
    }

    [Theory]
    [InlineData("Deployment", "coffer-api")]
    [InlineData("Deployment", "coffer-worker")]
    [InlineData("Job", "coffer-migrate")]
    public void Workload_IsIsolatedByANetworkPolicyInBothDirections(string kind, string name)
    {
        var workload = Manifests.Single(kind, name);

        var policy = Assert.Single(PoliciesFor(workload));
        Assert.Equal(["Egress", "Ingress"], policy.Spec["policyTypes"].Strings().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ApiPolicy_AdmitsOnlyTheIngressControllerAndPrometheus_On8080()
    {
        var policy = Assert.Single(PoliciesFor(Manifests.Single("Deployment", "coffer-api")));
        var rules = policy.Spec["ingress"].Items;

        Assert.NotEmpty(rules);
        Assert.All(rules, AssertOnlyPort8080FromNamedPeers);
        var peers = rules.SelectMany(r => r["from"].Items).ToList();
        Assert.Contains(peers, p => p["namespaceSelector"].Exists && !p["podSelector"].Exists && !IsPrometheus(p));
        Assert.Contains(peers, IsPrometheus);
        AssertEgressOnlyTo(policy, DataStorePortsAndDns);
    }

    [Fact]
    public void WorkerPolicy_AdmitsOnlyThePrometheusScrape()
    {
        var policy = Assert.Single(PoliciesFor(Manifests.Single("Deployment", "coffer-worker")));
        var rules = policy.Spec["ingress"].Items;

        Assert.NotEmpty(rules);
        Assert.All(rules, AssertOnlyPort8080FromNamedPeers);
        Assert.All(rules.SelectMany(r => r["from"].Items), p => Assert.True(IsPrometheus(p), $"{p.Path} is not Prometheus."));
        AssertEgressOnlyTo(policy, DataStorePortsAndDns);
    }

    [Fact]
    public void MigratePolicy_AdmitsNothing_AndReachesOnlyPostgresAndDns()
    {
        var policy = Assert.Single(PoliciesFor(Manifests.Single("Job", "coffer-migrate")));

        Assert.Empty(policy.Spec["ingress"].Items);
        AssertEgressOnlyTo(policy, [53, 5432]);
    }

    private static IEnumerable<KubeObject> PoliciesFor(KubeObject workload) =>
        Manifests.OfKind("NetworkPolicy").Where(p => Manifests.Selects(p.Spec["podSelector"]["matchLabels"].StringMap(), workload.PodLabels));

    private static bool IsPrometheus(YamlView peer) =>
        peer["namespaceSelector"].Exists && peer["podSelector"]["matchLabels"].StringMap().GetValueOrDefault(Manifests.NameLabel) == "prometheus";

    private static void AssertOnlyPort8080FromNamedPeers(YamlView rule)
    {
        Assert.True(rule["from"].Items.Count > 0, $"{rule.Path} admits every source.");
        Assert.Equal([8080], rule["ports"].Items.Select(p => p["port"].Integer ?? -1));
    }

    /// <summary>Every egress rule names its ports (no rule opens everything), and together they open exactly these.</summary>
    private static void AssertEgressOnlyTo(KubeObject policy, int[] ports)
    {
        var rules = policy.Spec["egress"].Items;
        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.True(r["ports"].Items.Count > 0, $"{r.Path} allows every port."));
        var opened = rules.SelectMany(r => r["ports"].Items).Select(p => p["port"].Integer ?? -1).Distinct().Order();
        Assert.Equal(ports, opened);
        var dns = rules.Where(r => r["ports"].Items.Any(p => p["port"].Integer == 53)).SelectMany(r => r["ports"].Items);
        Assert.All(dns, p => Assert.Equal(53, p["port"].Integer));
    }
}
