using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Coffer.Platform.Protection;

/// <summary>Where the data keys of a process came from.</summary>
internal enum DataKeySource
{
    /// <summary><c>Coffer:Protection:Keys:&lt;version&gt;</c>: the production profile.</summary>
    Configured,

    /// <summary>Nothing configured: the generated key of the data directory (<see cref="DevelopmentDataKey"/>).</summary>
    Development,
}

/// <summary>
/// The versioned 256-bit keys that seal sensitive fields, and which one new values are sealed with. Production configures
/// <c>Coffer:Protection:Keys:&lt;version&gt;</c> (base64 of 32 bytes; the version a positive integer) and optionally
/// <c>Coffer:Protection:ActiveKeyVersion</c> (default: the highest version); with no keys configured, the development key of
/// the data directory is version 1. Anything malformed fails at start-up, and no message ever contains key material.
/// </summary>
internal sealed class DataKeyRing
{
    public const string SectionName = "Coffer:Protection";
    public const int KeySizeBytes = 32;

    private readonly Dictionary<int, byte[]> _keys;

    public DataKeyRing(IReadOnlyDictionary<int, byte[]> keys, int activeVersion, DataKeySource source)
    {
        if (keys.Count == 0)
        {
            throw new InvalidOperationException("A data key ring needs at least one key.");
        }
        foreach (var (version, key) in keys)
        {
            if (version < 1 || key.Length != KeySizeBytes)
            {
                throw new InvalidOperationException(
                    $"Data key version {version} is invalid: versions are positive integers and keys are {KeySizeBytes} bytes.");
            }
        }
        if (!keys.ContainsKey(activeVersion))
        {
            throw new InvalidOperationException(
                $"The active data key version {activeVersion} is not among the configured versions ({string.Join(", ", keys.Keys.Order())}).");
        }
        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray());
        ActiveVersion = activeVersion;
        Source = source;
    }

    public int ActiveVersion { get; }
    public DataKeySource Source { get; }
    public IReadOnlyList<int> Versions => [.. _keys.Keys.Order()];

    /// <summary>The key of <paramref name="version"/>, or null when that version is not configured.</summary>
    public byte[]? KeyOf(int version) => _keys.GetValueOrDefault(version);

    public static DataKeyRing FromConfiguration(IConfiguration configuration, string dataDirectory)
    {
        var section = configuration.GetSection(SectionName);
        var configured = section.GetSection("Keys").GetChildren().ToList();
        var active = ParseActiveVersion(section["ActiveKeyVersion"]);
        if (configured.Count == 0)
        {
            if (active is not null and not DevelopmentDataKey.Version)
            {
                throw new InvalidOperationException(
                    $"{SectionName}:ActiveKeyVersion is {active}, but no {SectionName}:Keys are configured "
                    + $"(the development key of the data directory is version {DevelopmentDataKey.Version}).");
            }
            var development = new Dictionary<int, byte[]> { [DevelopmentDataKey.Version] = DevelopmentDataKey.LoadOrCreate(dataDirectory) };
            return new DataKeyRing(development, DevelopmentDataKey.Version, DataKeySource.Development);
        }
        var keys = new Dictionary<int, byte[]>();
        foreach (var entry in configured)
        {
            keys[ParseVersion(entry.Key)] = ParseKey(entry);
        }
        return new DataKeyRing(keys, active ?? keys.Keys.Max(), DataKeySource.Configured);
    }

    private static int ParseVersion(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
        && version.ToString(CultureInfo.InvariantCulture) == text
            ? version
            : throw new InvalidOperationException(
                $"{SectionName}:Keys:{text} is not a valid key version: versions are positive integers without leading zeros.");

    private static byte[] ParseKey(IConfigurationSection entry)
    {
        // The value is never echoed: a message naming the key's setting is enough to find it.
        var buffer = new byte[KeySizeBytes + 1];
        if (entry.Value is not { Length: > 0 } text || !Convert.TryFromBase64String(text.Trim(), buffer, out var written)
            || written != KeySizeBytes)
        {
            throw new InvalidOperationException(
                $"{SectionName}:Keys:{entry.Key} must be the base64 encoding of exactly {KeySizeBytes} random bytes "
                + "(e.g. the output of 'openssl rand -base64 32').");
        }
        var key = buffer[..KeySizeBytes];
        CryptographicOperations.ZeroMemory(buffer);
        return key;
    }

    private static int? ParseActiveVersion(string? text) => text switch
    {
        null or "" => null,
        _ when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 => version,
        _ => throw new InvalidOperationException($"{SectionName}:ActiveKeyVersion must be a positive integer, not '{text}'."),
    };
}
