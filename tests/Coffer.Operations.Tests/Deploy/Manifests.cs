namespace Coffer.Operations.Tests.Deploy;

/// <summary>One Kubernetes object of deploy/kubernetes.</summary>
internal sealed record KubeObject(string File, YamlView Root)
{
    public string Kind => Root["kind"].Text ?? "";

    public string Name => Root["metadata"]["name"].Text ?? "";

    public IReadOnlyDictionary<string, string> Labels => Root["metadata"]["labels"].StringMap();

    public YamlView Spec => Root["spec"];

    /// <summary>The pod template of a Deployment or Job.</summary>
    public YamlView PodTemplate => Spec["template"];

    public YamlView PodSpec => PodTemplate["spec"];

    public IReadOnlyDictionary<string, string> PodLabels => PodTemplate["metadata"]["labels"].StringMap();

    public IReadOnlyList<YamlView> Containers => PodSpec["containers"].Items;

    public override string ToString() => $"{Kind}/{Name} ({File})";
}

internal static class Manifests
{
    public const string Directory = "deploy/kubernetes";
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ComponentLabel = "app.kubernetes.io/component";

    /// <summary>Documents the Secrets; never applied, so it is the one manifest kustomization.yaml leaves out.</summary>
    public const string SecretExampleFile = "secret.example.yaml";

    private static readonly Lazy<IReadOnlyList<KubeObject>> LazyAll = new(Load);

    /// <summary>Every Kubernetes object (the Kustomization, a build instruction, is not one).</summary>
    public static IReadOnlyList<KubeObject> All => LazyAll.Value;

    public static YamlView Kustomization => YamlView.LoadSingle($"{Directory}/kustomization.yaml");

    public static IEnumerable<KubeObject> OfKind(string kind) => All.Where(o => o.Kind == kind);

    public static KubeObject Single(string kind, string name)
    {
        var matches = All.Where(o => o.Kind == kind && o.Name == name).ToList();
        Assert.True(matches.Count == 1, $"Expected one {kind} named {name} in {Directory}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The Deployments and the Job: everything that runs the Coffer image.</summary>
    public static IEnumerable<KubeObject> Workloads => All.Where(o => o.Kind is "Deployment" or "Job");

    /// <summary>Whether a label selector's matchLabels select pods with these labels.</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> matchLabels, IReadOnlyDictionary<string, string> podLabels) =>
        matchLabels.Count > 0 && matchLabels.All(l => podLabels.TryGetValue(l.Key, out var value) && value == l.Value);

    /// <summary>The numeric port a probe or Service names, resolving a named port through the container's ports.</summary>
    public static int? ResolvePort(YamlView port, YamlView container)
    {
        if (port.Integer is { } number)
        {
            return number;
        }
        return container["ports"].Items.FirstOrDefault(p => p["name"].Text == port.Text)?["containerPort"].Integer;
    }

    private static IReadOnlyList<KubeObject> Load() =>
        RepoFiles.YamlFilesUnder(Directory)
            .SelectMany(file => YamlView.LoadDocuments(file).Select(document => new KubeObject(file, document)))
            .Where(o => o.Kind != "Kustomization")
            .ToList();
}
