using System.Globalization;
using Coffer.Bench.Cli;

namespace Coffer.Bench.Workloads;

/// <summary>
/// The proportions of the mixed scenario as integer weights per operation kind, e.g.
/// <c>get-account=40,get-entries=20,get-transfer=20,post-transfer=20</c> (the default: 80 % reads, 20 % transfers).
/// bench/run.sh hands the same weights to pgbench (<c>-f script@weight</c>), so both runs draw the same mix.
/// </summary>
internal sealed record OperationMix(IReadOnlyList<int> Weights)
{
    public const string GetAccount = "get-account";
    public const string GetEntries = "get-entries";
    public const string GetTransfer = "get-transfer";
    public const string PostTransfer = "post-transfer";

    /// <summary>The kinds, in the order of <see cref="Weights"/> and of the reports.</summary>
    public static readonly IReadOnlyList<string> Kinds = [GetAccount, GetEntries, GetTransfer, PostTransfer];

    public static readonly OperationMix Default = new([40, 20, 20, 20]);

    private const int MaxWeight = 1000;

    public int Total => Weights.Sum();

    /// <summary>A kind drawn with probability weight / total.</summary>
    public int Draw(Random random)
    {
        var ticket = random.Next(Total);
        for (var kind = 0; kind < Weights.Count; kind++)
        {
            ticket -= Weights[kind];
            if (ticket < 0)
            {
                return kind;
            }
        }
        throw new InvalidOperationException("The weights changed while drawing.");
    }

    public override string ToString() =>
        string.Join(',', Kinds.Select((kind, i) => string.Create(CultureInfo.InvariantCulture, $"{kind}={Weights[i]}")));

    /// <summary>"kind=weight,..." (kinds not named weigh 0); null gives <see cref="Default"/>.</summary>
    public static OperationMix Parse(string? text)
    {
        if (text is null)
        {
            return Default;
        }
        var weights = new int[Kinds.Count];
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=');
            var kind = pieces.Length == 2 ? Kinds.ToList().IndexOf(pieces[0]) : -1;
            if (kind < 0 || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > MaxWeight)
            {
                throw new UsageException(
                    $"--mix takes kind=weight pairs (kinds {string.Join(", ", Kinds)}; weights 0 to {MaxWeight}), not '{part}'.");
            }
            weights[kind] = weight;
        }
        if (weights.Sum() == 0)
        {
            throw new UsageException("--mix needs at least one positive weight.");
        }
        return new OperationMix(weights);
    }
}
