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
        var key = RandomNumberGenerator.GetBytes(DataKeyRing.KeySizeBytes);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
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
        try
        {
            // Two processes starting at once must agree on one key: the first rename wins.
            File.Move(temporary, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            CryptographicOperations.ZeroMemory(key);
            return Read(path);
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
