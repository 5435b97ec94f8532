using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Approvals.Requests;

/// <summary>
/// What makes two approval requests "the same inputs": SHA-256 (hex) over the operation, the payload in canonical JSON
/// (object keys in ordinal order at every depth, camelCase as serialized), the amount, the currency and the resource.
/// </summary>
internal static class InputsHash
{
    public static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public static string Canonical(object payload)
    {
        var node = JsonSerializer.SerializeToNode(payload, payload.GetType(), PayloadJson);
        return Sort(node)?.ToJsonString() ?? "null";
    }

    public static string Of(string operation, string canonicalPayload, long? amount, string? currency, string? resourceId)
    {
        var text = string.Join('\n', operation, canonicalPayload, amount?.ToString(CultureInfo.InvariantCulture) ?? "",
            currency ?? "", resourceId ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
        JsonArray array => new JsonArray(array.Select(item => Sort(item?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };
}
