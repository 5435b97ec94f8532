namespace Coffer.Commerce;

/// <summary>The commerce module's feature flags. Each is created, switched on, by the migration that introduced it.</summary>
internal static class CommerceFlags
{
    /// <summary>The catalog may be read and written.</summary>
    public const string Enabled = "commerce_enabled";
}
