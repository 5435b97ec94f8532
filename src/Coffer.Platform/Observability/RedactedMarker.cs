using Microsoft.Extensions.Compliance.Redaction;

namespace Coffer.Platform.Observability;

/// <summary>Replaces a classified value with <c>[redacted]</c>: readers see that something was there, never what.</summary>
public sealed class RedactedMarker : Redactor
{
    public const string Marker = "[redacted]";

    public override int GetRedactedLength(ReadOnlySpan<char> input) => Marker.Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        Marker.AsSpan().CopyTo(destination);
        return Marker.Length;
    }
}
