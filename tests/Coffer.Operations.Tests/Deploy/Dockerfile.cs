using System.Text;

namespace Coffer.Operations.Tests.Deploy;

/// <summary>One instruction of a Dockerfile, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
}

/// <summary>A Dockerfile read into its stages. Enough of the syntax for the image Coffer builds, not a full parser.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<IReadOnlyList<DockerInstruction>> stages) => Stages = stages;

    /// <summary>Each stage begins with its FROM.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    public IReadOnlyList<DockerInstruction> FinalStage => Stages[^1];

    /// <summary>The image a stage is built on: FROM's first argument that is not a flag.</summary>
    public static string BaseImage(IReadOnlyList<DockerInstruction> stage) =>
        stage[0].Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).First(a => !a.StartsWith("--", StringComparison.Ordinal));

    public static Dockerfile Load(string relativePath)
    {
        var instructions = Parse(RepoFiles.ReadText(relativePath));
        var stages = new List<List<DockerInstruction>>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                stages.Add([]);
            }
            Assert.True(stages.Count > 0 || instruction.Keyword == "ARG", $"{relativePath} {instruction} comes before the first FROM.");
            if (stages.Count > 0)
            {
                stages[^1].Add(instruction);
            }
        }
        return new Dockerfile(stages);
    }

    private static List<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var pending = new StringBuilder();
        var startLine = 0;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (pending.Length == 0)
            {
                startLine = i + 1;
            }
            var continues = line.EndsWith('\\');
            pending.Append(continues ? line[..^1].TrimEnd() : line).Append(' ');
            if (continues)
            {
                continue;
            }
            var joined = pending.ToString().Trim();
            pending.Clear();
            var space = joined.IndexOf(' ');
            instructions.Add(space < 0
                ? new DockerInstruction(joined.ToUpperInvariant(), "", startLine)
                : new DockerInstruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), startLine));
        }
        return instructions;
    }
}
