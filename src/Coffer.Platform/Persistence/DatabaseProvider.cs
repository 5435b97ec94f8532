namespace Coffer.Platform.Persistence;

/// <summary>The two relational engines Coffer runs on, with identical behaviour.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
