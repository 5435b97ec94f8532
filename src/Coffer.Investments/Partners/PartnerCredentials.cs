using Coffer.Platform.Protection;

namespace Coffer.Investments.Partners;

/// <summary>
/// Seals and opens a partner's API key and secret. The associated data binds each sealed value to its tenant, partner and
/// field, so a value copied into another row (or swapped between the two columns) fails to open instead of being used.
/// </summary>
internal sealed class PartnerCredentials(FieldEncryption encryption)
{
    public const string ApiKeyField = "api_key";
    public const string SecretField = "secret";

    public string Seal(string tenantId, Guid partnerId, string field, string plaintext) =>
        encryption.Encrypt(plaintext, AssociatedData(tenantId, partnerId, field));

    public string Open(string tenantId, Guid partnerId, string field, string sealedValue) =>
        encryption.Decrypt(sealedValue, AssociatedData(tenantId, partnerId, field));

    public bool NeedsRotation(string sealedValue) => encryption.NeedsRotation(sealedValue);

    public int ActiveKeyVersion => encryption.ActiveKeyVersion;

    public string Reseal(string tenantId, Guid partnerId, string field, string sealedValue) =>
        encryption.Reencrypt(sealedValue, AssociatedData(tenantId, partnerId, field));

    private static string AssociatedData(string tenantId, Guid partnerId, string field) => $"investment_partner:{tenantId}:{partnerId}:{field}";
}
