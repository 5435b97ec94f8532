namespace Coffer.Platform.FeatureFlags;

/// <summary>The <c>feature_flags</c> row, for the migrations model only; the code reads and writes it with <see cref="FlagStore"/>.</summary>
public sealed class FeatureFlagRecord
{
    public required string Key { get; set; }
    public string? Description { get; set; }
    public bool Enabled { get; set; }
    public bool KillSwitch { get; set; }
    public int RolloutBasisPoints { get; set; }

    /// <summary>The user, fund and tenant overrides as one JSON document: a flag is always read and replaced whole.</summary>
    public required string Overrides { get; set; }

    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset? KillSwitchSince { get; set; }
}
