using System.Text.RegularExpressions;
using Coffer.Platform.Hosting;
using Coffer.Platform.Identity;
using Coffer.Platform.Jobs;
using Coffer.Platform.Jobs.RabbitMq;
using Coffer.Platform.Persistence;
using Microsoft.Extensions.Configuration;

namespace Coffer.Operations.Tests.Deploy;

/// <summary>What every object carries, what kustomize applies, and how configuration and secrets reach the pods.</summary>
public sealed partial class KubernetesObjectTests
{
    private static readonly string[] ComponentKinds = ["Deployment", "Job", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"];

    [Fact]
    public void EveryObject_HasApiVersionKindNameNamespaceAndCofferLabel()
    {
        Assert.NotEmpty(Manifests.All);
        foreach (var o in Manifests.All)
        {
            Assert.False(string.IsNullOrEmpty(o.Root["apiVersion"].Text), $"{o.Root.Path}: apiVersion is missing.");
            Assert.False(string.IsNullOrEmpty(o.Kind), $"{o.Root.Path}: kind is missing.");
            Assert.False(string.IsNullOrEmpty(o.Name), $"{o.Root.Path}: metadata.name is missing.");
            Assert.True(o.Labels.GetValueOrDefault(Manifests.NameLabel) == "coffer", $"{o}: label {Manifests.NameLabel}: coffer is missing.");
            if (o.Kind != "Namespace")
            {
                Assert.True(o.Root["metadata"]["namespace"].Text == "coffer", $"{o}: metadata.namespace should be coffer.");
            }
        }
    }

    [Fact]
    public void WorkloadObjects_NameTheirComponent_AndPodsCarryTheSameLabels()
    {
        foreach (var o in Manifests.All.Where(o => ComponentKinds.Contains(o.Kind)))
        {
            var component = o.Labels.GetValueOrDefault(Manifests.ComponentLabel);
            Assert.True(component is "api" or "worker" or "migrate", $"{o}: {Manifests.ComponentLabel} should be api, worker or migrate, not '{component}'.");
        }
        foreach (var workload in Manifests.Workloads)
        {
            Assert.Equal("coffer", workload.PodLabels.GetValueOrDefault(Manifests.NameLabel));
            Assert.Equal(workload.Labels[Manifests.ComponentLabel], workload.PodLabels.GetValueOrDefault(Manifests.ComponentLabel));
        }
    }

    [Fact]
    public void Kustomization_AppliesEveryManifestExceptTheSecretExample()
    {
        var kustomization = Manifests.Kustomization;
        var resources = kustomization["resources"].Strings().Order(StringComparer.Ordinal).ToList();
        var manifests = Directory.EnumerateFiles(RepoFiles.PathOf(Manifests.Directory), "*.yaml")
            .Select(f => Path.GetFileName(f))
            .Where(f => f is not ("kustomization.yaml" or Manifests.SecretExampleFile))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(manifests, resources);
        Assert.Equal("coffer", kustomization["namespace"].Text);
        Assert.Contains(kustomization["images"].Items, i => i["name"].Text == "coffer");
    }

    /// <summary>
    /// deploy/README.md migrates first with <c>kubectl apply -k . -l 'app.kubernetes.io/component notin (api,worker)'</c>:
    /// that selection must hold everything the Job needs and neither Deployment.
    /// </summary>
    [Fact]
    public void MigrateStepSelector_AppliesWhatTheJobNeeds_AndNoDeployment()
    {
        var selected = Manifests.All
            .Where(o => o.File != $"{Manifests.Directory}/{Manifests.SecretExampleFile}")
            .Where(o => o.Labels.GetValueOrDefault(Manifests.ComponentLabel) is not ("api" or "worker"))
            .Select(o => (o.Kind, o.Name))
            .ToList();

        foreach (var needed in new[]
        {
            ("Namespace", "coffer"), ("ServiceAccount", "coffer"), ("ConfigMap", "coffer-config"),
            ("Job", "coffer-migrate"), ("NetworkPolicy", "coffer-migrate"),
        })
        {
            Assert.Contains(needed, selected);
        }
        Assert.DoesNotContain(selected, o => o.Kind is "Deployment" or "HorizontalPodAutoscaler");
    }

    [Fact]
    public void Workloads_TakeSecretsOnlyThroughSecretKeyRefs()
    {
        foreach (var workload in Manifests.Workloads)
        {
            foreach (var container in workload.Containers)
            {
                foreach (var env in container["env"].Items)
                {
                    var name = env["name"].RequiredText;
                    var literal = env["value"].Text;
                    if (LooksSecret(name))
                    {
                        Assert.True(literal is null, $"{workload}: {name} is a literal value; it must come from a secretKeyRef.");
                        Assert.True(env["valueFrom"]["secretKeyRef"]["name"].Exists, $"{workload}: {name} must come from a secretKeyRef.");
                    }
                    Assert.False(literal is not null && LooksLikeCredential(literal), $"{workload}: {name} holds what looks like a credential.");
                }
                Assert.All(container["envFrom"].Items, e => Assert.True(e["configMapRef"].Exists, $"{workload}: envFrom may only name ConfigMaps."));
            }
        }
        foreach (var (key, value) in Manifests.Single("ConfigMap", "coffer-config").Root["data"].StringMap())
        {
            Assert.False(LooksSecret(key) || LooksLikeCredential(value), $"ConfigMap coffer-config holds a secret ({key}).");
        }
    }

    [Theory]
    [InlineData("coffer-api")]
    [InlineData("coffer-worker")]
    public void Deployment_ReadsItsSecretsAndNeverTheSchemaOwners(string name)
    {
        var env = EnvOf(Manifests.Single("Deployment", name));

        Assert.Equal(("coffer-database", false), SecretRef(env, "ConnectionStrings__Coffer"));
        Assert.Equal(("coffer-auth", false), SecretRef(env, "Coffer__Auth__SigningKeys__0"));
        Assert.Equal(("coffer-redis", true), SecretRef(env, "Coffer__Redis__ConnectionString"));
        Assert.Equal(("coffer-data-keys", false), SecretRef(env, "Coffer__Protection__Keys__1"));
        Assert.Equal(("coffer-webhooks", true), SecretRef(env, "Coffer__Webhooks__payments__Secrets__0"));
        Assert.Equal(("coffer-rabbitmq", false), SecretRef(env, "Coffer__RabbitMq__Uri")); // the rabbitmq transport needs it
        Assert.DoesNotContain(env, e => e["name"].Text == "ConnectionStrings__CofferMigrations");
        Assert.DoesNotContain(env, e => e["valueFrom"]["secretKeyRef"]["name"].Text == "coffer-database-migrations");
    }

    [Fact]
    public void MigrateJob_RunsMigrateUpAsTheSchemaOwner()
    {
        var job = Manifests.Single("Job", "coffer-migrate");
        var env = EnvOf(job);

        Assert.Equal(["migrate", "up"], job.Containers.Single()["args"].Strings());
        Assert.Equal("Never", job.PodSpec["restartPolicy"].Text);
        Assert.Equal(("coffer-database-migrations", false), SecretRef(env, "ConnectionStrings__CofferMigrations"));
        // migrate up grants the application role its rights, and reads that role from this connection string.
        Assert.Equal(("coffer-database", false), SecretRef(env, "ConnectionStrings__Coffer"));
    }

    /// <summary>Feeds each workload's environment to Coffer's own configuration readers, so a misspelt key fails here.</summary>
    [Theory]
    [InlineData("Deployment", "coffer-api", ServerRole.Api)]
    [InlineData("Deployment", "coffer-worker", ServerRole.Worker)]
    [InlineData("Job", "coffer-migrate", null)]
    public void WorkloadEnvironment_ConfiguresPostgresAndTheIdentityProvider(string kind, string name, ServerRole? role)
    {
        var workload = Manifests.Single(kind, name);
        var configuration = ConfigurationOf(workload);
        var configMap = Manifests.Single("ConfigMap", "coffer-config").Root["data"];

        var database = DatabaseOptions.FromConfiguration(configuration);
        Assert.Equal(DatabaseProvider.Postgres, database.Provider);
        Assert.Equal("secret:coffer-database/connection-string", database.ConnectionString);
        if (role is null)
        {
            Assert.Equal("secret:coffer-database-migrations/connection-string", database.MigrationsConnectionString);
            return;
        }
        Assert.Equal(role, ServerRoles.Of(configuration));
        Assert.Equal(["serve", "--role", role.Value.ToString().ToLowerInvariant()], workload.Containers.Single()["args"].Strings());
        var jwt = JwtSettings.FromConfiguration(configuration);
        // Without a configured key Coffer writes a development key to its data directory, which is read-only here.
        Assert.False(jwt.UsesDevelopmentKey, $"{workload} configures no signing key.");
        Assert.Equal(configMap["Coffer__Auth__Issuer"].RequiredText, jwt.Issuer);
        Assert.Equal(configMap["Coffer__Auth__Audience"].RequiredText, jwt.Audience);
        Assert.Equal(JobTransport.RabbitMq, JobSettings.FromConfiguration(configuration).Transport);
        Assert.Equal("secret:coffer-rabbitmq/uri", configuration[RabbitMqSettings.UriKey]);
    }

    [Fact]
    public void SecretExample_DocumentsEveryReferencedSecretWithPlaceholdersOnly()
    {
        var examples = YamlView.LoadDocuments($"{Manifests.Directory}/{Manifests.SecretExampleFile}")
            .Select(d => new KubeObject(Manifests.SecretExampleFile, d))
            .ToList();
        Assert.All(examples, s => Assert.Equal("Secret", s.Kind));
        foreach (var secret in examples)
        {
            Assert.False(secret.Root["data"].Exists, $"{secret}: use stringData placeholders, not data.");
            Assert.All(secret.Root["stringData"].StringMap(), e => Assert.True(
                IsPlaceholder(e.Value), $"{secret}: {e.Key} should hold REPLACE_ME wherever a credential goes."));
        }
        var documented = examples.SelectMany(s => s.Root["stringData"].StringMap().Keys.Select(k => (s.Name, k))).ToHashSet();
        var referenced = Manifests.Workloads.SelectMany(EnvOf)
            .Select(e => e["valueFrom"]["secretKeyRef"])
            .Where(r => r.Exists)
            .Select(r => (r["name"].RequiredText, r["key"].RequiredText));
        Assert.All(referenced, r => Assert.True(documented.Contains(r), $"Secret {r.Item1} key {r.Item2} is not in {Manifests.SecretExampleFile}."));
    }

    internal static IReadOnlyList<YamlView> EnvOf(KubeObject workload) => workload.Containers.SelectMany(c => c["env"].Items).ToList();

    private static (string? Name, bool Optional) SecretRef(IReadOnlyList<YamlView> env, string name)
    {
        var entry = env.SingleOrDefault(e => e["name"].Text == name);
        Assert.True(entry is not null, $"{name} is not set.");
        var reference = entry["valueFrom"]["secretKeyRef"];
        return (reference["name"].Text, reference["optional"].Text == "true");
    }

    /// <summary>The workload's environment as Coffer sees it; a secret reads as <c>secret:name/key</c>.</summary>
    private static IConfiguration ConfigurationOf(KubeObject workload)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var configMap in workload.Containers.SelectMany(c => c["envFrom"].Items).Select(e => e["configMapRef"]["name"].Text))
        {
            foreach (var (key, value) in Manifests.Single("ConfigMap", configMap!).Root["data"].StringMap())
            {
                settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }
        foreach (var env in EnvOf(workload))
        {
            var reference = env["valueFrom"]["secretKeyRef"];
            settings[env["name"].RequiredText.Replace("__", ":", StringComparison.Ordinal)] =
                reference.Exists ? $"secret:{reference["name"].Text}/{reference["key"].Text}" : env["value"].Text;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>Passwords (in connection strings and URIs) and key bodies are REPLACE_ME; the rest may be illustrative.</summary>
    private static bool IsPlaceholder(string value) =>
        value.Contains("REPLACE_ME", StringComparison.Ordinal)
        && PasswordSetting().Matches(value).All(m => m.Groups["secret"].Value == "REPLACE_ME")
        && UriPassword().Matches(value).All(m => m.Groups["secret"].Value == "REPLACE_ME")
        && PemBody().Matches(value).All(m => m.Groups["secret"].Value.Trim() == "REPLACE_ME");

    [GeneratedRegex(@"(?:password|pwd)\s*=\s*(?<secret>[^;,\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordSetting();

    [GeneratedRegex(@"://[^:/@\s]+:(?<secret>[^@\s]*)@")]
    private static partial Regex UriPassword();

    [GeneratedRegex(@"-----BEGIN [A-Z ]+-----(?<secret>.*?)-----END", RegexOptions.Singleline)]
    private static partial Regex PemBody();

    private static bool LooksSecret(string name) =>
        name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || new[] { "SigningKey", "Password", "Secret", "Token", "Redis__ConnectionString", "RabbitMq__Uri" }
            .Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static bool LooksLikeCredential(string value) =>
        new[] { "Password=", "PRIVATE KEY", "BEGIN PUBLIC KEY", "amqp://", "amqps://" }.Any(part => value.Contains(part, StringComparison.OrdinalIgnoreCase));
}
