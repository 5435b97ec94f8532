using Coffer.Platform.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Platform.Tests.Providers;

public sealed class PartnerSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void NoConfiguration_RegistersThePartnerApi_WithTheDocumentedDefaults()
    {
        var settings = ProviderSettings.FromConfiguration(Configuration(), ProviderSettings.PartnersSection);
        using var services = new ServiceCollection().AddLogging().AddCofferProviders(Configuration()).BuildServiceProvider();

        Assert.Equal(new ProviderSettings("partners", null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), 2,
            TimeSpan.FromMilliseconds(500), 5, TimeSpan.FromSeconds(30)), settings);
        Assert.NotNull(services.GetService<IPartnerApi>());
        Assert.Null(services.GetService<IPayoutProvider>());
    }

    [Fact]
    public void Settings_AreRead_AsForTheOtherProviders()
    {
        var settings = ProviderSettings.FromConfiguration(Configuration(("Coffer:Providers:Partners:MaxRetries", "4"),
            ("Coffer:Providers:Partners:BreakSeconds", "12.5")), ProviderSettings.PartnersSection);

        Assert.Equal((4, TimeSpan.FromSeconds(12.5)), (settings?.MaxRetries, settings?.BreakDuration));
    }

    [Theory]
    [InlineData("BaseUrl", "https://partner.example/", "Coffer:Providers:Partners:BaseUrl is not a setting: each partner's base URL comes with its record")]
    [InlineData("AttemptTimeoutSecond", "5", "Coffer:Providers:Partners:AttemptTimeoutSecond is not a setting")]
    [InlineData("MaxRetries", "11", "Coffer:Providers:Partners:MaxRetries must be 0 to 10")]
    [InlineData("BreakAfterConsecutiveFailures", "1", "Coffer:Providers:Partners:BreakAfterConsecutiveFailures must be 2 to 1000")]
    public void BadSetting_FailsAtStartUp_NamingTheKey(string key, string value, string expected)
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddCofferProviders(Configuration(($"Coffer:Providers:Partners:{key}", value))));

        Assert.Contains(expected, failure.Message);
    }

    [Theory]
    [InlineData("https://partner.example/api", null)]
    [InlineData("http://127.0.0.1:5099/partner/", null)]
    [InlineData("http://partner.example/", "A partner's base URL must use https (plain http is accepted for a loopback address only).")]
    [InlineData("partner.example", "A partner's base URL must be an absolute http(s) URL.")]
    [InlineData("ftp://partner.example/", "A partner's base URL must be an absolute http(s) URL.")]
    [InlineData(null, "A partner's base URL must be an absolute http(s) URL.")]
    public void PartnerUrls_FollowTheProvidersBaseUrlRule(string? url, string? problem) =>
        Assert.Equal(problem, PartnerUrls.Problem(url));
}
