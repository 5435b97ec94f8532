namespace Coffer.Platform.Results;

/// <summary>Collects every invalid field of a request, so the client learns all of them at once.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }
        messages.Add(message);
        return this;
    }

    public T? Required<T>(string field, T? value) where T : struct
    {
        if (value is null)
        {
            Add(field, "Required.");
        }
        return value;
    }

    public string? RequiredText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
        return value;
    }

    public string? OptionalText(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
        return value;
    }

    public Failure ToFailure() => Failure.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
