using System.Security.Cryptography;

namespace Coffer.Platform.Protection;

/// <summary>
/// The embedded default's data key (version 1): 32 random bytes generated on first run under the data directory
/// (<c>keys/data-key-1.bin</c>, owner-only permissions), read on every later start and never committed.
/// Losing the file makes every value sealed under it unreadable, so it is backed up with the database file.
/// </summary>
internal static class DevelopmentDataKey
{
    public const int Version = 1;
    public const string RelativePath = "keys/data-key-1.bin";

    public static byte[] LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, RelativePath);
        if (File.Exists(path))
        {
            return Read(path);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Processes (and threads) starting at once must agree on one key. A rename that refuses to overwrite is not enough
        // everywhere (.NET falls back to check-then-rename where hard links are unavailable), so creators take turns under
        // an exclusive lock file; whoever comes second finds the key and reads it.
        var lockPath = Path.Combine(Path.GetDirectoryName(path)!, ".data-key.lock");
        using (AcquireCreationLock(lockPath))
        {
            if (File.Exists(path))
            {
                return Read(path);
            }
            var created = Create(path);
            // Removed once the key exists: a starter still waiting on it (or a new lock file) finds the key and reads it.
            File.Delete(lockPath);
            return created;
        }
    }

    private static byte[] Create(string path)
    {
        var key = RandomNumberGenerator.GetBytes(DataKeyRing.KeySizeBytes);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        // Created with owner-only permissions from the start, so the key is never readable by others, not even briefly.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(temporary, options))
        {
            file.Write(key);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: false); // complete before it appears: readers never see half a key
        return key;
    }

    /// <summary>An exclusive handle on <paramref name="lockPath"/> (FileShare.None is enforced across .NET processes on Unix too).</summary>
    private static FileStream AcquireCreationLock(string lockPath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10); // another starter is creating the key
            }
        }
    }

    private static byte[] Read(string path)
    {
        var key = File.ReadAllBytes(path);
        if (key.Length != DataKeyRing.KeySizeBytes)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new InvalidOperationException(
                $"The development data key {path} holds {key.Length} bytes, not {DataKeyRing.KeySizeBytes}: it is damaged. "
                + "Restore it from a backup (values sealed under it cannot be read without it).");
        }
        return key;
    }
}
