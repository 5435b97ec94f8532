using Coffer.Platform.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Tests.Providers;

public sealed class ProviderSettingsTests
{
    /// <summary>Configuration of <paramref name="values"/>, a later value of a key replacing an earlier one.</summary>
    private static IConfiguration Configuration(params (string Key, string Value)[] values)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (key, value) in values)
        {
            settings[key] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    [Fact]
    public void OnlyABaseUrl_GivesTheDocumentedDefaults()
    {
        var settings = ProviderSettings.FromConfiguration(
            Configuration(("Coffer:Providers:Payments:BaseUrl", "https://payments.example/api/v2")), ProviderSettings.PaymentsSection);

        Assert.Equal(new ProviderSettings("payments", new Uri("https://payments.example/api/v2/"), TimeSpan.FromSeconds(5),
            TimeSpan.FromSeconds(30), 2, TimeSpan.FromMilliseconds(500), 5, TimeSpan.FromSeconds(30)), settings);
    }

    [Theory]
    [InlineData("Payouts", "payouts", 5)]
    [InlineData("Payments", "payments", 5)]
    [InlineData("Email", "email", 3)]
    [InlineData("Shipping", "shipping", 3)]
    [InlineData("Storage", "storage", 5)]
    public void OnlyABaseUrl_GivesTheDocumentedDefaults_WithTheProvidersOwnBreakThreshold(string section, string name, int breakAfter)
    {
        var settings = ProviderSettings.FromConfiguration(
            Configuration(($"Coffer:Providers:{section}:BaseUrl", "https://provider.example/v1")), section);

        Assert.Equal(new ProviderSettings(name, new Uri("https://provider.example/v1/"), TimeSpan.FromSeconds(5),
            TimeSpan.FromSeconds(30), 2, TimeSpan.FromMilliseconds(500), breakAfter, TimeSpan.FromSeconds(30)), settings);
    }

    [Theory]
    [InlineData("Email")]
    [InlineData("Shipping")]
    [InlineData("Storage")]
    public void BreakThreshold_IsStillConfigurable_PerProvider(string section)
    {
        var settings = ProviderSettings.FromConfiguration(Configuration(($"Coffer:Providers:{section}:BaseUrl", "https://provider.example/"),
            ($"Coffer:Providers:{section}:BreakAfterConsecutiveFailures", "8")), section);

        Assert.Equal(8, settings?.BreakAfterConsecutiveFailures);
    }

    [Theory]
    [InlineData("Email", typeof(IEmailProvider))]
    [InlineData("Shipping", typeof(IShippingProvider))]
    [InlineData("Storage", typeof(IStorageProvider))]
    public void EachProvider_IsRegisteredOnlyWhenItsOwnBaseUrlIsSet(string section, Type registered)
    {
        using var services = new ServiceCollection().AddLogging()
            .AddCofferProviders(Configuration(($"Coffer:Providers:{section}:BaseUrl", "http://127.0.0.1:9/"),
                ("Coffer:Providers:Email:MaxRetries", "3"), ("Coffer:Providers:Storage:BreakSeconds", "5")))
            .BuildServiceProvider();

        foreach (var type in new[] { typeof(IEmailProvider), typeof(IShippingProvider), typeof(IStorageProvider), typeof(IPaymentProvider) })
        {
            Assert.Equal(type == registered, services.GetService(type) is not null);
        }
    }

    [Theory]
    [InlineData("Email")]
    [InlineData("Shipping")]
    [InlineData("Storage")]
    public void UnknownKeyOrBadValue_InTheNewSections_FailsAtStartUp_NamingTheKey(string section)
    {
        var unknown = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddCofferProviders(Configuration(
            ($"Coffer:Providers:{section}:BaseUrl", "https://provider.example/"), ($"Coffer:Providers:{section}:BreakAfterFailures", "3"))));
        var bad = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddCofferProviders(Configuration(
            ($"Coffer:Providers:{section}:BaseUrl", "https://provider.example/"), ($"Coffer:Providers:{section}:BreakAfterConsecutiveFailures", "1"))));

        Assert.Contains($"Coffer:Providers:{section}:BreakAfterFailures is not a setting", unknown.Message);
        Assert.Contains($"Coffer:Providers:{section}:BreakAfterConsecutiveFailures must be 2 to 1000", bad.Message);
    }

    [Fact]
    public void WithoutABaseUrl_TheProviderIsNotRegistered()
    {
        var services = new ServiceCollection().AddLogging()
            .AddCofferProviders(Configuration(("Coffer:Providers:Payouts:BaseUrl", "http://127.0.0.1:9/"),
                ("Coffer:Providers:Payments:MaxRetries", "3")))
            .BuildServiceProvider();

        Assert.NotNull(services.GetService<IPayoutProvider>());
        Assert.Null(services.GetService<IPaymentProvider>());
        Assert.Null(new ServiceCollection().AddLogging().AddCofferProviders(Configuration()).BuildServiceProvider().GetService<IPayoutProvider>());
    }

    [Theory]
    [InlineData("BaseUrl", "payouts.example", "BaseUrl must be an absolute http(s) URL")]
    [InlineData("BaseUrl", "ftp://payouts.example/", "BaseUrl must be an absolute http(s) URL")]
    [InlineData("BaseUrl", "http://payouts.example/", "BaseUrl must use https")]
    [InlineData("AttemptTimeoutSeconds", "0", "AttemptTimeoutSeconds must be above 0.01")]
    [InlineData("AttemptTimeoutSeconds", "five", "AttemptTimeoutSeconds must be above 0.01")]
    [InlineData("TotalTimeoutSeconds", "4", "TotalTimeoutSeconds must be at least AttemptTimeoutSeconds (5)")]
    [InlineData("TotalTimeoutSeconds", "301", "TotalTimeoutSeconds must be at least AttemptTimeoutSeconds (5) and at most 300")]
    [InlineData("MaxRetries", "-1", "MaxRetries must be 0 to 10")]
    [InlineData("MaxRetries", "11", "MaxRetries must be 0 to 10")]
    [InlineData("MaxRetries", "1.5", "MaxRetries must be 0 to 10")]
    [InlineData("RetryBaseDelayMilliseconds", "0", "RetryBaseDelayMilliseconds must be 1 to 60000")]
    [InlineData("BreakAfterConsecutiveFailures", "1", "BreakAfterConsecutiveFailures must be 2 to 1000")]
    [InlineData("BreakAfterConsecutiveFailures", "1001", "BreakAfterConsecutiveFailures must be 2 to 1000")]
    [InlineData("BreakSeconds", "0.1", "BreakSeconds must be 0.5 to 86400")]
    [InlineData("BreakSeconds", "NaN", "BreakSeconds must be 0.5 to 86400")]
    [InlineData("AttemptTimeoutSecond", "5", "Coffer:Providers:Payouts:AttemptTimeoutSecond is not a setting")]
    public void BadValue_FailsAtStartUp_NamingTheKey(string key, string value, string expected)
    {
        var configuration = Configuration(("Coffer:Providers:Payouts:BaseUrl", "https://payouts.example/"), ($"Coffer:Providers:Payouts:{key}", value));

        var failure = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddCofferProviders(configuration));

        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public void UnknownProvider_FailsAtStartUp()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddCofferProviders(Configuration(("Coffer:Providers:Payout:BaseUrl", "https://payouts.example/"))));

        Assert.Contains("Coffer:Providers:Payout is not a provider", failure.Message);
    }

    [Fact]
    public void HttpToLoopback_IsAccepted_ForASimulatorOnTheSameMachine()
    {
        var settings = ProviderSettings.FromConfiguration(
            Configuration(("Coffer:Providers:Payouts:BaseUrl", "http://127.0.0.1:5099")), ProviderSettings.PayoutsSection);

        Assert.Equal(new Uri("http://127.0.0.1:5099/"), settings?.BaseUrl);
    }
}
