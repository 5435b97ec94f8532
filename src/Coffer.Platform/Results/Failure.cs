namespace Coffer.Platform.Results;

/// <summary>
/// An expected failure, returned as a value and mapped to problem+json in one place.
/// <see cref="Code"/> is the stable machine code clients switch on.
/// </summary>
public sealed record Failure(int Status, string Code, string Title, string? Detail = null)
{
    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();

    public Failure With(string name, object? value) =>
        this with { Extensions = new Dictionary<string, object?>(Extensions) { [name] = value } };

    public static Failure NotFound(string resource) =>
        new(404, "not_found", "Not found", $"The {resource} does not exist or is not visible to you.");

    public static Failure Validation(IDictionary<string, string[]> errors) =>
        new Failure(400, "validation_failed", "The request is invalid",
            "One or more fields are invalid; see 'errors'.").With("errors", errors);

    public static Failure Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });
}
