namespace Coffer.Chaos.Dependencies;

/// <summary>Files of the repository the harness was built from (found by walking up to Coffer.slnx).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PostgresRolesScript => Path.Combine(Root, "scripts", "pg-roles.sql");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Coffer.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Coffer.slnx above {AppContext.BaseDirectory}: run the harness from a build inside the repository.");
    }
}
