using Coffer.Platform.Results;

namespace Coffer.Platform.Paging;

/// <summary>One page of a list, newest or oldest first as the endpoint says; <c>nextCursor</c> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 200;

    /// <summary>Validates <c>limit</c> (1 to <see cref="MaxSize"/>) and returns the page size to use.</summary>
    public static int SizeOf(ValidationErrors errors, int? limit)
    {
        if (limit is < 1 or > MaxSize)
        {
            errors.Add("limit", $"Between 1 and {MaxSize}.");
        }
        return limit ?? DefaultSize;
    }

    /// <summary>A page from up to size + 1 rows: the extra row only says that a next page exists.</summary>
    public static Page<T> From<TRow>(IReadOnlyList<TRow> rows, int size, Func<TRow, T> map, Func<T, Guid> idOf)
    {
        var items = rows.Take(size).Select(map).ToList();
        return new Page<T>(items, rows.Count > size ? Cursor.Encode(idOf(items[^1])) : null);
    }
}
