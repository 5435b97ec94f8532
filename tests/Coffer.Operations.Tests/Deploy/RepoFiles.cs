namespace Coffer.Operations.Tests.Deploy;

/// <summary>Files of the repository, found from the test binaries by walking up to the directory holding Coffer.slnx.</summary>
internal static class RepoFiles
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>The absolute path of a repository path written with forward slashes (<c>deploy/Dockerfile</c>).</summary>
    public static string PathOf(string relativePath) =>
        Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The repository path of an absolute one, with forward slashes, for messages.</summary>
    public static string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    public static string ReadText(string relativePath)
    {
        var path = PathOf(relativePath);
        Assert.True(File.Exists(path), $"{relativePath} is missing.");
        return File.ReadAllText(path);
    }

    /// <summary>Every YAML file under <paramref name="relativeDirectory"/>, the yamllint configuration included, in a stable order.</summary>
    public static IReadOnlyList<string> YamlFilesUnder(string relativeDirectory)
    {
        var directory = PathOf(relativeDirectory);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)
                || f.EndsWith(".yml", StringComparison.Ordinal)
                || Path.GetFileName(f) == ".yamllint")
            .Select(Relative)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Coffer.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Coffer.slnx.");
    }
}
