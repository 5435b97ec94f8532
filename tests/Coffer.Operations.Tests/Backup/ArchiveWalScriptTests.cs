namespace Coffer.Operations.Tests.Backup;

/// <summary>
/// pg-archive-wal.sh is the only copy of WAL history the restore can use: it must never replace an archived
/// file with other content, must accept a retry of the same file, and must leave no half-written file behind.
/// </summary>
public sealed class ArchiveWalScriptTests : IDisposable
{
    private const string Segment = "000000010000000000000007";
    private readonly string root = Path.Combine(Path.GetTempPath(), $"coffer-archive-{Guid.NewGuid():N}");
    private readonly string archive;

    public ArchiveWalScriptTests()
    {
        archive = Path.Combine(root, "archive");
        Directory.CreateDirectory(archive);
    }

    [Fact(Timeout = 30_000)]
    public async Task ArchivedSegment_IdenticalRetrySucceeds_DifferentContentIsRefusedAndKept()
    {
        var original = WriteSource("original", 64 * 1024);
        var first = await ArchiveAsync(original, Segment);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(Path.Combine(archive, Segment)));

        var retry = await ArchiveAsync(original, Segment);
        Assert.Equal(0, retry.ExitCode);
        Assert.Contains("identical", retry.Stderr);

        var other = WriteSource("other", 64 * 1024);
        var refused = await ArchiveAsync(other, Segment);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("refusing to overwrite", refused.Stderr);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(Path.Combine(archive, Segment)));

        // Nothing but the archived file: no temporary copies left by any of the three runs.
        Assert.Equal([Segment], Directory.GetFileSystemEntries(archive).Select(Path.GetFileName));
    }

    [Fact(Timeout = 30_000)]
    public async Task ArchiveCommand_RefusesPathsOutsideTheArchiveAndAMissingArchiveDirectory()
    {
        var source = WriteSource("segment", 1024);

        var escape = await ArchiveAsync(source, "../" + Segment);
        Assert.Equal(2, escape.ExitCode);
        Assert.False(File.Exists(Path.Combine(root, Segment)));

        var missing = await Tool.ScriptAsync("pg-archive-wal.sh", [source, Segment, Path.Combine(root, "not-mounted")]);
        Assert.Equal(1, missing.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(root, "not-mounted")), "The script must not create the archive directory.");

        var history = await ArchiveAsync(source, "00000002.history");
        Assert.Equal(0, history.ExitCode);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string WriteSource(string name, int length)
    {
        var path = Path.Combine(root, name);
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private Task<ToolResult> ArchiveAsync(string source, string fileName) =>
        Tool.ScriptAsync("pg-archive-wal.sh", [source, fileName, archive]);
}
