using System.Globalization;

namespace Coffer.Bench.Cli;

/// <summary>
/// A small, strict reader of <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> options. Every option
/// given must be consumed by the verb, so a typo fails the run instead of silently using a default.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public ArgumentReader(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var token = list[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length < 3)
            {
                throw new UsageException($"Unexpected argument '{token}'.");
            }
            var equals = token.IndexOf('=');
            if (equals > 0)
            {
                _options[token[2..equals]] = token[(equals + 1)..];
            }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _options[token[2..]] = list[++i];
            }
            else
            {
                _options[token[2..]] = null;
            }
        }
    }

    public bool Flag(string name)
    {
        if (!_options.TryGetValue(name, out var value))
        {
            return false;
        }
        _consumed.Add(name);
        return value is null || bool.Parse(value);
    }

    public string? Text(string name)
    {
        if (!_options.TryGetValue(name, out var value))
        {
            return null;
        }
        _consumed.Add(name);
        return value ?? throw new UsageException($"--{name} needs a value.");
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public string RequiredText(string name) => Text(name) ?? throw new UsageException($"--{name} is required.");

    public int Int(string name, int fallback, int min, int max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be an integer between {min} and {max}, not '{text}'.");
        }
        return value;
    }

    public long Long(string name, long fallback, long min, long max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be an integer between {min} and {max}, not '{text}'.");
        }
        return value;
    }

    /// <summary>Fails on any option the verb did not ask for.</summary>
    public void EnsureAllConsumed()
    {
        var unknown = _options.Keys.Where(k => !_consumed.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}.");
        }
    }
}

/// <summary>A mistake in the command line: printed with the usage text, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
