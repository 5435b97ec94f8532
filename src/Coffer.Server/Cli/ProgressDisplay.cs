using Spectre.Console;

namespace Coffer.Server.Cli;

/// <summary>A progress bar on stderr (Spectre.Console); plain lines when stderr is not a terminal.</summary>
internal static class ProgressDisplay
{
    private static readonly IAnsiConsole Error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="work"/> with a task of <paramref name="total"/> units; the work reports units done.</summary>
    public static async Task<T> RunAsync<T>(string description, double total, Func<IProgress<(double Done, string? Label)>, Task<T>> work)
    {
        if (!Error.Profile.Capabilities.Interactive)
        {
            Error.WriteLine($"{description} ...");
            return await work(new Progress<(double, string?)>(_ => { }));
        }
        T result = default!;
        await Error.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
                var progress = new SynchronousProgress(update =>
                {
                    task.Value = update.Done;
                    if (update.Label is { } label)
                    {
                        task.Description = Markup.Escape(label);
                    }
                });
                result = await work(progress);
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    private sealed class SynchronousProgress(Action<(double Done, string? Label)> report) : IProgress<(double Done, string? Label)>
    {
        public void Report((double Done, string? Label) value) => report(value);
    }
}
