namespace Coffer.Operations.Tests.Deploy;

public sealed class YamlFileTests
{
    public static TheoryData<string> YamlFiles => new(RepoFiles.YamlFilesUnder("deploy"));

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void YamlFileUnderDeploy_ParsesWithAtLeastOneDocument(string file)
    {
        var documents = YamlView.LoadDocuments(file);

        Assert.NotEmpty(documents);
    }

    [Fact]
    public void DeployFolder_HoldsTheKubernetesPrometheusAndGrafanaFiles()
    {
        var files = RepoFiles.YamlFilesUnder("deploy");

        foreach (var expected in new[]
        {
            "deploy/kubernetes/kustomization.yaml", "deploy/kubernetes/api-deployment.yaml",
            "deploy/kubernetes/worker-deployment.yaml", "deploy/kubernetes/migrate-job.yaml",
            "deploy/prometheus/alerts.yml", "deploy/prometheus/alerts.test.yml",
        })
        {
            Assert.Contains(expected, files);
        }
        Assert.True(File.Exists(RepoFiles.PathOf("deploy/grafana/coffer-dashboard.json")), "deploy/grafana/coffer-dashboard.json is missing.");
        Assert.True(File.Exists(RepoFiles.PathOf("deploy/README.md")), "deploy/README.md is missing.");
    }
}
