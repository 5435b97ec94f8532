namespace Coffer.Platform.Providers;

/// <summary><see cref="IStorageProvider"/> over HTTP: <c>POST {BaseUrl}objects</c>.</summary>
internal sealed class HttpStorageProvider(HttpClient http, ProviderCalls calls) : IStorageProvider
{
    public Task<StoredObject> PutAsync(StorageRequest request, CancellationToken ct) =>
        calls.PostAsync<StorageRequest, StoredObject>(http, ProviderSettings.Storage, "objects", request.Reference, request, ct);
}
