using YamlDotNet.RepresentationModel;

namespace Coffer.Operations.Tests.Deploy;

/// <summary>
/// A read-only walk over a parsed YAML node that never throws on a missing key: a missing node reports
/// <see cref="Exists"/> false and remembers the path it was looked up by, so assertions name what is missing.
/// </summary>
internal sealed class YamlView(YamlNode? node, string path)
{
    public string Path { get; } = path;

    public bool Exists => node is not null;

    public YamlView this[string key] =>
        new(node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null,
            $"{Path}.{key}");

    public YamlView this[int index] =>
        new(node is YamlSequenceNode sequence && index < sequence.Children.Count ? sequence.Children[index] : null,
            $"{Path}[{index}]");

    /// <summary>The scalar's text, or null when the node is missing or not a scalar.</summary>
    public string? Text => (node as YamlScalarNode)?.Value;

    /// <summary>The scalar's text; fails the test when there is none.</summary>
    public string RequiredText
    {
        get
        {
            Assert.True(!string.IsNullOrEmpty(Text), $"{Path} should be a non-empty scalar.");
            return Text!;
        }
    }

    public int? Integer => int.TryParse(Text, out var value) ? value : null;

    public IReadOnlyList<YamlView> Items =>
        node is YamlSequenceNode sequence ? sequence.Children.Select((child, i) => new YamlView(child, $"{Path}[{i}]")).ToList() : [];

    public IReadOnlyList<KeyValuePair<string, YamlView>> Entries =>
        node is YamlMappingNode map
            ? map.Children.Select(e => KeyValuePair.Create(((YamlScalarNode)e.Key).Value ?? "", new YamlView(e.Value, $"{Path}.{((YamlScalarNode)e.Key).Value}"))).ToList()
            : [];

    /// <summary>A mapping of scalars (labels, annotations, ConfigMap data) as a dictionary.</summary>
    public IReadOnlyDictionary<string, string> StringMap() =>
        Entries.ToDictionary(e => e.Key, e => e.Value.Text ?? "", StringComparer.Ordinal);

    public IReadOnlyList<string> Strings() => Items.Select(i => i.Text ?? "").ToList();

    /// <summary>Every non-empty document of a (multi-document) YAML file.</summary>
    public static IReadOnlyList<YamlView> LoadDocuments(string relativePath)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(RepoFiles.ReadText(relativePath)))
        {
            stream.Load(reader);
        }
        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select((d, i) => new YamlView(d.RootNode, $"{relativePath}#{i}"))
            .ToList();
    }

    public static YamlView LoadSingle(string relativePath)
    {
        var documents = LoadDocuments(relativePath);
        Assert.True(documents.Count == 1, $"{relativePath} should hold exactly one YAML document, not {documents.Count}.");
        return documents[0];
    }

    public override string ToString() => Path;
}
