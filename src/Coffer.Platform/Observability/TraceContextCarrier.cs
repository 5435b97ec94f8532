using System.Diagnostics;

namespace Coffer.Platform.Observability;

/// <summary>
/// Carries a trace across an asynchronous hand-off (a job written now and run later): <see cref="Capture"/> stores the
/// current W3C trace context as text with the work; <see cref="StartLinked"/> starts the work's span in a trace of its
/// own, linked to the one that caused it (a link, not a parent: the request ended long ago).
/// </summary>
public static class TraceContextCarrier
{
    /// <summary>The current context as a W3C <c>traceparent</c> (with <c>;tracestate</c> when present), or null outside a trace.</summary>
    public static string? Capture()
    {
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return null;
        }
        return string.IsNullOrEmpty(activity.TraceStateString) ? activity.Id : $"{activity.Id};{activity.TraceStateString}";
    }

    /// <summary>Parses a value made by <see cref="Capture"/>; false for null or malformed text.</summary>
    public static bool TryParse(string? carried, out ActivityContext context)
    {
        context = default;
        if (string.IsNullOrEmpty(carried))
        {
            return false;
        }
        var separator = carried.IndexOf(';');
        var parent = separator < 0 ? carried : carried[..separator];
        var state = separator < 0 ? null : carried[(separator + 1)..];
        return ActivityContext.TryParse(parent, state, isRemote: true, out context);
    }

    /// <summary>Starts <paramref name="name"/> on <paramref name="source"/> as a new root span linked to the carried context.</summary>
    public static Activity? StartLinked(ActivitySource source, string name, string? carried, ActivityKind kind = ActivityKind.Consumer)
    {
        IEnumerable<ActivityLink>? links = TryParse(carried, out var context) ? [new ActivityLink(context)] : null;
        // An explicit default parent makes this a root even when a span is current on this thread.
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            return source.StartActivity(name, kind, parentContext: default, tags: null, links: links);
        }
        finally
        {
            if (Activity.Current is null)
            {
                Activity.Current = previous;
            }
        }
    }
}
