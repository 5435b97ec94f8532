using System.Text.Json;

namespace Coffer.Operations.Tests.Deploy;

/// <summary>deploy/Dockerfile, read structurally (the test machines run no Docker engine).</summary>
public sealed class DockerfileTests
{
    private static readonly Dockerfile Image = Dockerfile.Load("deploy/Dockerfile");

    [Fact]
    public void Dockerfile_BuildsWithTheSdkAndRunsOnAspNet10()
    {
        Assert.True(Image.Stages.Count >= 2, "The Dockerfile should have a build stage and a final stage.");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", Dockerfile.BaseImage(Image.Stages[0]), StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", Dockerfile.BaseImage(Image.FinalStage), StringComparison.Ordinal);
    }

    [Fact]
    public void FinalStage_RunsAsANonRootUser()
    {
        var user = Image.FinalStage.LastOrDefault(i => i.Keyword == "USER");

        Assert.True(user is not null, "The final stage sets no USER, so it runs as root.");
        var name = user.Arguments.Split(':')[0];
        Assert.True(name is "$APP_UID" or "${APP_UID}" or "app" || (int.TryParse(name, out var uid) && uid > 0),
            $"USER should be the image's non-root app user ($APP_UID, 1654), not '{user.Arguments}'.");
    }

    [Fact]
    public void FinalStage_ListensOn8080()
    {
        var environment = Image.FinalStage.Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('"'));

        Assert.Contains(Image.FinalStage, i => i.Keyword == "EXPOSE" && i.Arguments.Split(' ').Contains("8080"));
        Assert.Equal("8080", environment.GetValueOrDefault("ASPNETCORE_HTTP_PORTS"));
    }

    [Fact]
    public void FinalStage_StartsCofferServerDll_ServingByDefault()
    {
        var entryPoint = Assert.Single(Image.FinalStage, i => i.Keyword == "ENTRYPOINT");
        var command = Assert.Single(Image.FinalStage, i => i.Keyword == "CMD");

        // Exec form (a JSON array), so the process is PID 1 and receives SIGTERM itself.
        Assert.Equal(["dotnet", "Coffer.Server.dll"], JsonSerializer.Deserialize<string[]>(entryPoint.Arguments) ?? []);
        Assert.Equal(["serve"], JsonSerializer.Deserialize<string[]>(command.Arguments) ?? []);
        Assert.Contains(Image.FinalStage, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=build", StringComparison.Ordinal)
            && i.Arguments.Contains("/app", StringComparison.Ordinal));
    }

    /// <summary>Restore runs on the project files alone, so its layer survives code changes; every project must be among them.</summary>
    [Fact]
    public void BuildStage_RestoresFromEveryProjectFileBeforeCopyingTheSources()
    {
        var build = Image.Stages[0];
        var restore = IndexOf(build, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal), "RUN dotnet restore");
        var sources = IndexOf(build, i => i.Keyword == "COPY" && i.Arguments.StartsWith("src/ ", StringComparison.Ordinal), "COPY src/ src/");
        var publish = IndexOf(build, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish src/Coffer.Server", StringComparison.Ordinal),
            "RUN dotnet publish src/Coffer.Server");
        var copiedBeforeRestore = string.Join(' ', build.Take(restore).Where(i => i.Keyword == "COPY").Select(i => i.Arguments));
        var projects = Directory.EnumerateFiles(RepoFiles.PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(RepoFiles.Relative)
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal))
            .ToList();

        Assert.True(restore < sources && sources < publish, "Restore, then copy the sources, then publish.");
        Assert.NotEmpty(projects);
        foreach (var file in projects.Concat(["global.json", "Directory.Build.props", "Directory.Packages.props"]))
        {
            Assert.True(copiedBeforeRestore.Contains(file, StringComparison.Ordinal), $"{file} is not copied before `dotnet restore` in deploy/Dockerfile.");
        }
        Assert.Contains("--no-restore", build[publish].Arguments, StringComparison.Ordinal);
        Assert.Contains("-o /app", build[publish].Arguments, StringComparison.Ordinal);
        Assert.Contains("-c Release", build[publish].Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputLocalDataAndGitOutOfTheContext()
    {
        var patterns = RepoFiles.ReadText("deploy/Dockerfile.dockerignore")
            .ReplaceLineEndings("\n").Split('\n')
            .Select(l => l.Trim().TrimEnd('/'))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToHashSet();

        // Every project has its own bin/ and obj/, so only the any-depth form excludes them all.
        foreach (var required in new[] { "**/bin", "**/obj", "**/data", ".tmp", ".git" })
        {
            Assert.True(patterns.Contains(required), $"deploy/Dockerfile.dockerignore does not exclude {required}.");
        }
        Assert.DoesNotContain(patterns, p => p is "src" or "src/**" or "*" or "**");
    }

    private static int IndexOf(IReadOnlyList<DockerInstruction> stage, Func<DockerInstruction, bool> match, string description)
    {
        for (var i = 0; i < stage.Count; i++)
        {
            if (match(stage[i]))
            {
                return i;
            }
        }
        Assert.Fail($"The build stage has no {description}.");
        return -1;
    }
}
