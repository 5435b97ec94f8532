using System.Text.Json;

namespace Coffer.Chaos.Workload;

/// <summary>
/// One POST as a client sends it — and sends it again, byte for byte, on every retry and replay: the Idempotency-Key, the
/// path, the body (serialised once) and the caller (whose tenant and subject scope the key).
/// </summary>
internal sealed record ApiRequest(string Key, string Path, string Body, ChaosCaller Caller)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ApiRequest Post(string key, string path, ChaosCaller caller, object body) =>
        new(key, path, JsonSerializer.Serialize(body, Json), caller);

    public override string ToString() => $"POST {Path} (key {Key})";
}

/// <summary>A caller of the workload: the token's tenant and subject, and the token.</summary>
internal sealed record ChaosCaller(string Tenant, string Subject, string Token)
{
    public override string ToString() => $"{Subject}@{Tenant}";
}
