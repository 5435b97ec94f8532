namespace Coffer.Platform.Persistence;

/// <summary>
/// One SQL statement with named parameters (<c>@name</c>). The <see cref="Tag"/> names the statement
/// so that a failure can be attributed to it (e.g. the idempotency-key insert) without parsing messages.
/// </summary>
public sealed record SqlStatement(string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters, string? Tag = null)
{
    public static SqlStatement Of(string sql, params (string Name, object? Value)[] parameters) =>
        new(sql, parameters.Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)).ToArray());

    public static SqlStatement Tagged(string tag, string sql, params (string Name, object? Value)[] parameters) =>
        new(sql, parameters.Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)).ToArray(), tag);
}
