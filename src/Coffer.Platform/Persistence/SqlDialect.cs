namespace Coffer.Platform.Persistence;

/// <summary>The few places where SQLite and PostgreSQL SQL differ, kept in one file.</summary>
public static class SqlDialect
{
    /// <summary>
    /// A predicate "column is one of ids" with a single parameter: <c>= ANY(@p)</c> over a uuid[] on PostgreSQL,
    /// a <c>json_each</c> over a JSON array of upper-case GUID text (EF's SQLite storage format) on SQLite.
    /// </summary>
    public static (string Sql, object Value) InIds(this DatabaseProvider provider, string column, string parameter, IReadOnlyCollection<Guid> ids) =>
        provider == DatabaseProvider.Postgres
            ? ($"{column} = ANY(@{parameter})", ids.ToArray())
            : ($"{column} IN (SELECT value FROM json_each(@{parameter}))",
                "[" + string.Join(',', ids.Select(id => $"\"{id.ToString().ToUpperInvariant()}\"")) + "]");

    /// <summary>"column is one of values" for text values, with a single parameter (a text[] or a JSON array).</summary>
    public static (string Sql, object Value) InTexts(
        this DatabaseProvider provider, string column, string parameter, IReadOnlyCollection<string> values) =>
        provider == DatabaseProvider.Postgres
            ? ($"{column} = ANY(@{parameter})", values.ToArray())
            : ($"{column} IN (SELECT value FROM json_each(@{parameter}))", System.Text.Json.JsonSerializer.Serialize(values));

    /// <summary>Row locks on PostgreSQL; SQLite's single writer already holds the database lock.</summary>
    public static string ForUpdate(this DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? " FOR UPDATE" : "";

    /// <summary>Skips rows other transactions have locked (PostgreSQL); SQLite's single writer never meets one.</summary>
    public static string SkipLocked(this DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
}
