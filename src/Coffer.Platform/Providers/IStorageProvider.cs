using System.Text;

namespace Coffer.Platform.Providers;

/// <summary>
/// Stores objects (invoices, documents) with the configured object storage provider (<c>Coffer:Providers:Storage</c>).
/// Registered only when the provider is configured.
/// </summary>
public interface IStorageProvider
{
    /// <summary>
    /// <c>POST {BaseUrl}objects</c>: the object travels base64 inside the JSON body, so it is held in memory whole and must
    /// arrive within one attempt's timeout. Safe to repeat with the same <see cref="StorageRequest.Reference"/>: the
    /// provider stores once and answers the same object.
    /// </summary>
    /// <exception cref="ProviderException">The provider refused, failed, or could not be asked; see <see cref="ProviderException.Kind"/>.</exception>
    Task<StoredObject> PutAsync(StorageRequest request, CancellationToken ct);
}

/// <param name="Reference">Our idempotency key, sent as <c>Idempotency-Key</c>: the provider stores each reference once.</param>
/// <param name="Key">Where the object is stored, in the provider's namespace (e.g. <c>invoices/2026/inv-42.pdf</c>).</param>
/// <param name="ContentType">The object's media type (e.g. <c>application/pdf</c>).</param>
/// <param name="ContentBase64">The object's bytes, base64: left out of <see cref="ToString"/> (only its length is printed), being large and possibly personal.</param>
public sealed record StorageRequest(string Reference, string Key, string ContentType, string ContentBase64)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Reference = {Reference}, Key = {Key}, ContentType = {ContentType}, ContentBase64 = ({ContentBase64?.Length ?? 0} characters)");
        return true;
    }
}

/// <param name="ProviderReference">The provider's id of the stored object.</param>
/// <param name="Key">The key the object was stored under.</param>
public sealed record StoredObject(string ProviderReference, string Key);
