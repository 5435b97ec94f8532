namespace Coffer.Operations.Tests.Deploy;

/// <summary>How the api and worker pods (and the migrate Job) run: probes, draining, resources, lock-down.</summary>
public sealed class KubernetesWorkloadTests
{
    public static TheoryData<string> Deployments => new("coffer-api", "coffer-worker");

    public static TheoryData<string, string> Workloads => new()
    {
        { "Deployment", "coffer-api" },
        { "Deployment", "coffer-worker" },
        { "Job", "coffer-migrate" },
    };

    [Fact]
    public void Deployments_AreExactlyTheApiAndTheWorker_EachWithAtLeastTwoReplicas()
    {
        Assert.Equal(["coffer-api", "coffer-worker"], Manifests.OfKind("Deployment").Select(d => d.Name).Order(StringComparer.Ordinal));
        foreach (var deployment in Manifests.OfKind("Deployment"))
        {
            Assert.True(deployment.Spec["replicas"].Integer >= 2, $"{deployment}: at least 2 replicas.");
            Assert.True(Manifests.Selects(deployment.Spec["selector"]["matchLabels"].StringMap(), deployment.PodLabels),
                $"{deployment}: the selector does not match the pod template's labels.");
        }
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Deployment_ProbesTheHealthEndpointsOnPort8080(string name)
    {
        var container = Manifests.Single("Deployment", name).Containers.Single();

        Assert.Contains(container["ports"].Items, p => p["containerPort"].Integer == 8080);
        AssertHttpProbe(container, "startupProbe", "/health/live");
        AssertHttpProbe(container, "livenessProbe", "/health/live");
        AssertHttpProbe(container, "readinessProbe", "/health/ready");
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Deployment_IsScrapedOn8080AtMetrics(string name)
    {
        var annotations = Manifests.Single("Deployment", name).PodTemplate["metadata"]["annotations"].StringMap();

        Assert.Equal("true", annotations.GetValueOrDefault("prometheus.io/scrape"));
        Assert.Equal("8080", annotations.GetValueOrDefault("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.GetValueOrDefault("prometheus.io/path"));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Deployment_DrainsBeforeStopping(string name)
    {
        var deployment = Manifests.Single("Deployment", name);
        var grace = deployment.PodSpec["terminationGracePeriodSeconds"].Integer;
        var preStop = deployment.Containers.Single()["lifecycle"]["preStop"];
        var sleepSeconds = preStop["sleep"]["seconds"].Integer
            ?? (preStop["exec"]["command"].Strings() is ["sleep", var seconds] && int.TryParse(seconds, out var s) ? s : null);

        Assert.Equal(30, grace);
        Assert.True(sleepSeconds is > 0 && sleepSeconds < grace, $"{deployment}: preStop should sleep a few seconds, less than the grace period.");
        Assert.Equal(0, deployment.Spec["strategy"]["rollingUpdate"]["maxUnavailable"].Integer);
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Workload_RequestsResourcesAndLimitsMemoryTo512Mi(string kind, string name)
    {
        var resources = Manifests.Single(kind, name).Containers.Single()["resources"];

        Assert.False(string.IsNullOrEmpty(resources["requests"]["cpu"].Text), $"{kind}/{name}: no CPU request (the HPA scales on it).");
        Assert.False(string.IsNullOrEmpty(resources["requests"]["memory"].Text), $"{kind}/{name}: no memory request.");
        Assert.Equal("512Mi", resources["limits"]["memory"].Text);
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Workload_RunsNonRootReadOnlyWithoutCapabilities(string kind, string name)
    {
        var workload = Manifests.Single(kind, name);
        var pod = workload.PodSpec["securityContext"];
        var container = workload.Containers.Single();
        var security = container["securityContext"];

        Assert.True(security["runAsNonRoot"].Text == "true" || pod["runAsNonRoot"].Text == "true", $"{workload}: runAsNonRoot.");
        Assert.NotEqual(0, pod["runAsUser"].Integer ?? -1);
        Assert.NotEqual(0, security["runAsUser"].Integer ?? -1);
        Assert.Equal("false", security["allowPrivilegeEscalation"].Text);
        Assert.Equal("true", security["readOnlyRootFilesystem"].Text);
        Assert.Contains("ALL", security["capabilities"]["drop"].Strings());
        Assert.Empty(security["capabilities"]["add"].Items);
        Assert.True(security["seccompProfile"]["type"].Text == "RuntimeDefault" || pod["seccompProfile"]["type"].Text == "RuntimeDefault",
            $"{workload}: seccompProfile RuntimeDefault.");
        Assert.Equal("false", workload.PodSpec["automountServiceAccountToken"].Text);
        Assert.NotEqual("true", workload.PodSpec["hostNetwork"].Text);
        Assert.NotEqual("true", security["privileged"].Text);
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Workload_WritesOnlyToAnEmptyDirAtTmp(string kind, string name)
    {
        var workload = Manifests.Single(kind, name);
        var mounts = workload.Containers.Single()["volumeMounts"].Items;

        var tmp = mounts.SingleOrDefault(m => m["mountPath"].Text == "/tmp");
        Assert.True(tmp is not null, $"{workload}: /tmp must be mounted (the root file system is read-only).");
        var volume = workload.PodSpec["volumes"].Items.SingleOrDefault(v => v["name"].Text == tmp["name"].Text);
        Assert.True(volume is not null && volume["emptyDir"].Exists, $"{workload}: /tmp should be an emptyDir.");
        Assert.Single(mounts);
    }

    private static void AssertHttpProbe(YamlView container, string probe, string path)
    {
        var httpGet = container[probe]["httpGet"];
        Assert.True(httpGet.Exists, $"{container.Path}: {probe} should be an httpGet probe.");
        Assert.Equal(path, httpGet["path"].Text);
        Assert.Equal(8080, Manifests.ResolvePort(httpGet["port"], container));
    }
}
