using Coffer.Platform.Results;

namespace Coffer.Platform.Paging;

/// <summary>Opaque page cursors: the base64url of the last id of the page.</summary>
public static class Cursor
{
    public static string Encode(Guid id) => Convert.ToBase64String(id.ToByteArray(bigEndian: true))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The id a list's <c>cursor</c> parameter names (null: the first page); an invalid one is added to <paramref name="errors"/>.</summary>
    public static Guid? Read(ValidationErrors errors, string? cursor)
    {
        if (!TryDecode(cursor, out var id))
        {
            errors.Add("cursor", "Not a cursor from this list.");
        }
        return id;
    }

    public static bool TryDecode(string? cursor, out Guid? id)
    {
        id = null;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }
        var base64 = cursor.Replace('-', '+').Replace('_', '/') + "==";
        var bytes = new byte[18];
        if (cursor.Length != 22 || !Convert.TryFromBase64String(base64, bytes, out var written) || written != 16)
        {
            return false;
        }
        id = new Guid(bytes.AsSpan(0, 16), bigEndian: true);
        return true;
    }
}
