namespace Coffer.Platform.Protection;

/// <summary>
/// The <c>tokens</c> row, for the migrations model only; the code reads and writes it with <see cref="TokenStore"/>.
/// Holds a sensitive value sealed by <see cref="FieldEncryption"/>, never the value itself.
/// </summary>
internal sealed class TokenRecord
{
    public required string Token { get; set; }
    public required string TenantId { get; set; }
    public required string Kind { get; set; }
    public required string Ciphertext { get; set; }

    /// <summary>Null when the value is too short for its last four to be shown (<see cref="TokenFormat.MinCharactersForLast4"/>).</summary>
    public string? Last4 { get; set; }

    public int KeyVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
