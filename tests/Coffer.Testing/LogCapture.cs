using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Testing;

/// <summary>
/// Captures every log entry a test server emits through its own filter rules (start the server with
/// <see cref="Verbose"/> to open them to Trace wherever configuration can), with its message, structured state, scopes
/// and exception, as text: what any log sink of that server would receive.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Entries { get; } = new();

    /// <summary>Configuration raising every category to Trace, except what the host pins in code, and logging every request.</summary>
    public static readonly Dictionary<string, string?> Verbose = new()
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Coffer:Logging:Requests"] = "all",
    };

    /// <summary>The request log lines (ASP.NET Core HTTP logging) captured so far.</summary>
    public List<string> RequestLines => Entries.Where(e => e.Category.Contains("HttpLogging", StringComparison.Ordinal)).Select(e => e.Text).ToList();

    public void Register(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

    public string AllText => string.Join("\n", Entries.Select(e => $"{e.Category} {e.Level} {e.Text}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var parts = new List<string> { formatter(state, exception) };
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                parts.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            }
            owner._scopes?.ForEachScope((scope, list) =>
            {
                list.Add(scope is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}"))
                    : scope?.ToString() ?? "");
            }, parts);
            if (exception is not null)
            {
                parts.Add(exception.ToString());
            }
            owner.Entries.Enqueue((category, logLevel, string.Join(" | ", parts)));
        }
    }
}
