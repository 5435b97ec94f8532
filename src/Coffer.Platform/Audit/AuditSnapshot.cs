using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace Coffer.Platform.Audit;

/// <summary>
/// Serializes a resource for the audit trail with every classified property (<see cref="Observability.SecretDataAttribute"/>,
/// <see cref="Observability.PersonalDataAttribute"/>) passed through its redactor: the trail proves what happened without
/// becoming a store of secrets or personal data.
/// </summary>
public sealed class AuditSnapshot
{
    private readonly JsonSerializerOptions _options;

    public AuditSnapshot(IRedactorProvider redactors)
    {
        _options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { info => Redact(info, redactors) } },
        };
    }

    public string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _options);

    private static void Redact(JsonTypeInfo info, IRedactorProvider redactors)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        var properties = info.Properties;
        for (var i = 0; i < properties.Count; i++)
        {
            var property = properties[i];
            var classification = property.AttributeProvider?
                .GetCustomAttributes(typeof(DataClassificationAttribute), inherit: true)
                .Cast<DataClassificationAttribute>()
                .Select(a => a.Classification)
                .ToArray();
            if (classification is not { Length: > 0 } || property.Get is not { } original)
            {
                continue;
            }
            var redactor = redactors.GetRedactor(new DataClassificationSet(classification));
            // A redacted value is always a string (null when there was nothing), whatever its type was.
            var redacted = info.CreateJsonPropertyInfo(typeof(string), property.Name);
            redacted.Get = owner => original(owner) is { } raw
                ? redactor.Redact(raw as string ?? JsonSerializer.Serialize(raw))
                : null;
            properties[i] = redacted;
        }
    }
}
