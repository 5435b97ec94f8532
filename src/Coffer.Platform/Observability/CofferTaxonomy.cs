using Microsoft.Extensions.Compliance.Classification;

namespace Coffer.Platform.Observability;

/// <summary>
/// Coffer's data classification. Values carrying one of these classes are redacted wherever they are written out:
/// log parameters (the logging source generator redacts classified parameters) and audit snapshots
/// (<see cref="Audit.AuditSnapshot"/>). Unclassified values pass through.
/// </summary>
public static class CofferTaxonomy
{
    public const string Name = "Coffer";

    /// <summary>Credentials, keys, tokens: never written anywhere.</summary>
    public static DataClassification Secret { get; } = new(Name, nameof(Secret));

    /// <summary>Free text and identifiers a person chose (descriptions, metadata, external references, addresses).</summary>
    public static DataClassification PersonalData { get; } = new(Name, nameof(PersonalData));
}

/// <summary>Marks a secret: redacted in logs and audit snapshots.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.ReturnValue)]
public sealed class SecretDataAttribute() : DataClassificationAttribute(CofferTaxonomy.Secret);

/// <summary>Marks personal data: redacted in logs and audit snapshots.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.ReturnValue)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(CofferTaxonomy.PersonalData);
