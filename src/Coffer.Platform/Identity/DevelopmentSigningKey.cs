using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Coffer.Platform.Identity;

/// <summary>
/// The embedded default's ES256 key: generated on first run under the data directory
/// (<c>keys/dev-signing-key.pem</c>, owner-only permissions) and never committed.
/// </summary>
public static class DevelopmentSigningKey
{
    public const string RelativePath = "keys/dev-signing-key.pem";

    public static ECDsaSecurityKey LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, RelativePath);
        var ecdsa = ECDsa.Create();
        if (File.Exists(path))
        {
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, ecdsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            try
            {
                // Two processes starting at once must agree on one key: the first rename wins.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
                ecdsa.ImportFromPem(File.ReadAllText(path));
            }
        }
        return new ECDsaSecurityKey(ecdsa) { KeyId = KeyIdOf(ecdsa) };
    }

    private static string KeyIdOf(ECDsa ecdsa) =>
        Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16];
}
