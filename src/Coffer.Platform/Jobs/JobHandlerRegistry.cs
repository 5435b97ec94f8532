using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Jobs;

/// <summary>The job types this process knows, each with its handler (resolved per attempt, in the attempt's scope).</summary>
public sealed class JobHandlerRegistry(IEnumerable<JobHandlerRegistration> registrations)
{
    private readonly Dictionary<string, Type> _handlers = registrations.ToDictionary(r => r.JobType, r => r.HandlerType, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Types => _handlers.Keys;

    public bool Knows(string type) => _handlers.ContainsKey(type);

    internal IJobHandler? Resolve(IServiceProvider scope, string type) =>
        _handlers.TryGetValue(type, out var handler) ? (IJobHandler)scope.GetRequiredService(handler) : null;
}

public sealed record JobHandlerRegistration(string JobType, Type HandlerType);
