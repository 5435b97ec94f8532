namespace Coffer.Platform.Protection;

/// <summary>
/// What a business row keeps instead of a sensitive value: the token (<c>tok_…</c>) and, for display, the value's last four
/// letters or digits (null when the value is too short to show any of it).
/// </summary>
public sealed record TokenizedValue(string Token, string? Last4);
