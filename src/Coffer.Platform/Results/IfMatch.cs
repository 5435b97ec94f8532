using Coffer.Platform.FeatureFlags;

namespace Coffer.Platform.Results;

/// <summary>
/// Optimistic concurrency on a versioned record whose ETag is its version in quotes (<c>"3"</c>), the feature flags' convention:
/// a change needs <c>If-Match</c> with the current ETag (or <c>*</c>).
/// </summary>
public static class IfMatch
{
    /// <summary>
    /// Null when <paramref name="header"/> names <paramref name="currentVersion"/> or is <c>*</c>; otherwise 400 (unreadable),
    /// 428 <c>precondition_required</c> (absent) or 412 <c>precondition_failed</c> (stale, with <c>currentVersion</c>).
    /// </summary>
    public static Failure? Check(string? header, long currentVersion, string resource)
    {
        if (!FlagPrecondition.TryParse(header, out var precondition))
        {
            return Failure.Validation("If-Match", "'*' or one ETag this API returned.");
        }
        if (precondition == FlagPrecondition.None)
        {
            return new Failure(428, "precondition_required", "Precondition required",
                $"Changing a {resource} needs If-Match with its current ETag (read it with GET first).");
        }
        return precondition.Version is { } version && version != currentVersion
            ? new Failure(412, "precondition_failed", "Precondition failed",
                $"The {resource} is not at the version If-Match names; read it again and reapply the change.")
                .With("currentVersion", currentVersion)
            : null;
    }
}
