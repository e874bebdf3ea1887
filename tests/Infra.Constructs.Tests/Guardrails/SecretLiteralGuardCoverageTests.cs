using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.AWS.CodeBuild;
using Amazon.CDK.AWS.ECS;
using Infra.Constructs.Guardrails;
using StringParameter = Amazon.CDK.AWS.SSM.StringParameter;
using StringParameterProps = Amazon.CDK.AWS.SSM.StringParameterProps;

namespace Infra.Constructs.Tests.Guardrails;

/// <summary>
/// Issue 18 item 5: every class of literal the guard used to miss, planted with values built at run time
/// (FakeSecrets), and the look-alikes that must still pass.
/// </summary>
public partial class SecretLiteralGuardTests
{
    private static string Q(string s) => JsonSerializer.Serialize(s);

    private static IReadOnlyList<SecretLiteralGuard.Finding> ScanTemplate(string json) => SecretLiteralGuard.Scan(JsonNode.Parse(json)!.AsObject());

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Descriptions(List<JsonNode> violations) => string.Join("\n", violations.Select(v => v["description"]!.GetValue<string>()));

    // ---- sections -------------------------------------------------------------------------------

    [Fact]
    public void MappingsConditionsRulesAndTemplateMetadataAreScanned()
    {
        var tokens = FakeSecrets.VendorTokens();
        var keyId = FakeSecrets.AccessKeyId();
        var violations = Violations(s =>
        {
            _ = new CfnMapping(s, "Keys", new CfnMappingProps
            {
                Mapping = new Dictionary<string, IDictionary<string, object>> { ["all"] = new Dictionary<string, object> { ["deployKey"] = keyId } },
            });
            _ = new CfnCondition(s, "UsesToken", new CfnConditionProps { Expression = Fn.ConditionEquals(tokens["GitHub token"], "none") });
            _ = new CfnRule(s, "Check", new CfnRuleProps
            {
                Assertions = [new CfnRuleAssertion { Assert = Fn.ConditionEquals("a", "a"), AssertDescription = "notify " + tokens["Slack webhook URL"] }],
            });
            s.TemplateOptions.Metadata = new Dictionary<string, object> { ["Owner"] = new Dictionary<string, object> { ["token"] = tokens["Stripe secret key"] } };
        });
        Where(violations).Should().Contain(w => w.Contains("Mappings/Keys/all/deployKey"))
            .And.Contain(w => w.Contains("Conditions/UsesToken"))
            .And.Contain(w => w.Contains("Rules/Check/Assertions/0/AssertDescription"))
            .And.Contain(w => w.Contains("Metadata/Owner/token"));
        Descriptions(violations).Should().Contain("AWS access key id").And.Contain("GitHub token").And.Contain("Slack webhook URL").And.Contain("Stripe secret key");
    }

    [Fact]
    public void ANoEchoParameterWithADefaultFailsWhateverItsNameAndValue()
    {
        var violations = Violations(s =>
        {
            _ = new CfnParameter(s, "Setting", new CfnParameterProps { NoEcho = true, Default = "hunter" + "22" });
            _ = new CfnParameter(s, "Given", new CfnParameterProps { NoEcho = true });                 // no default: passed at deploy time
            _ = new CfnParameter(s, "Size", new CfnParameterProps { Default = "t3.micro" });            // not NoEcho, not secret-named
        });
        violations.Should().ContainSingle().Which["description"]!.GetValue<string>().Should().Contain("default of NoEcho parameter Setting").And.NotContain("hunter");
        Where(violations).Should().ContainSingle(w => w.Contains("Parameters/Setting/Default"));
    }

    // ---- a name in a sibling field ---------------------------------------------------------------

    [Fact]
    public void AnOutputIsJudgedByItsLogicalIdAndItsExportName()
    {
        var violations = Violations(s =>
        {
            _ = new CfnOutput(s, "DbPassword", new CfnOutputProps { Value = FakeSecrets.Password() });
            _ = new CfnOutput(s, "Connection", new CfnOutputProps { Value = FakeSecrets.Password(), ExportName = "prod-db-password" });
            _ = new CfnOutput(s, "DbPasswordArn", new CfnOutputProps { Value = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf" });
            _ = new CfnOutput(s, "Release", new CfnOutputProps { Value = "Started(10%)" });
        });
        Where(violations).Should().HaveCount(2).And.Contain(w => w.Contains("Outputs/DbPassword/Value")).And.Contain(w => w.Contains("Outputs/Connection/Value"));
        Descriptions(violations).Should().Contain("the output DbPassword").And.Contain("export prod-db-password");
    }

    [Fact]
    public void AnSsmParameterIsJudgedByItsNameOrItsLogicalId()
    {
        var violations = Violations(s =>
        {
            _ = new StringParameter(s, "Db", new StringParameterProps { ParameterName = "/prod/db/password", StringValue = FakeSecrets.Password() });
            _ = new StringParameter(s, "ApiToken", new StringParameterProps { StringValue = FakeSecrets.Password() });
            _ = new StringParameter(s, "Pointer", new StringParameterProps { ParameterName = "/prod/db/password-arn", StringValue = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf" });
            _ = new StringParameter(s, "Plain", new StringParameterProps { ParameterName = "/prod/app/log-level", StringValue = "Warning-2" });
        });
        Where(violations).Should().HaveCount(2).And.Contain(w => w.Contains("Planted/Db/Resource") && w.Contains("Properties/Value"))
            .And.Contain(w => w.Contains("Planted/ApiToken/Resource") && w.Contains("Properties/Value"));
    }

    [Fact]
    public void EcsCodeBuildAndBatchEnvironmentListsAreJudgedByEachEntrysName()
    {
        var violations = Violations(s =>
        {
            var task = new FargateTaskDefinition(s, "Task");
            task.AddContainer("App", new ContainerDefinitionOptions
            {
                Image = ContainerImage.FromRegistry("public.ecr.aws/docker/library/nginx:stable"),
                Environment = new Dictionary<string, string> { ["DB_PASSWORD"] = FakeSecrets.Password(), ["LOG_LEVEL"] = "Warning-2" },
            });
            _ = new Project(s, "Build", new ProjectProps
            {
                BuildSpec = BuildSpec.FromObject(new Dictionary<string, object> { ["version"] = "0.2" }),
                EnvironmentVariables = new Dictionary<string, IBuildEnvironmentVariable>
                {
                    ["API_TOKEN"] = new BuildEnvironmentVariable { Value = FakeSecrets.Password() },
                    // The value names a secret in Secrets Manager: CodeBuild fetches it, it is not the secret.
                    ["DB_PASSWORD"] = new BuildEnvironmentVariable { Type = BuildEnvironmentVariableType.SECRETS_MANAGER, Value = "prod/db:password" },
                },
            });
            _ = new CfnResource(s, "Job", new CfnResourceProps
            {
                Type = "AWS::Batch::JobDefinition",
                Properties = new Dictionary<string, object>
                {
                    ["Type"] = "container",
                    ["ContainerProperties"] = new Dictionary<string, object>
                    {
                        ["Image"] = "public.ecr.aws/docker/library/busybox:stable",
                        ["Environment"] = new object[] { new Dictionary<string, object> { ["Name"] = "SERVICE_CREDENTIALS", ["Value"] = FakeSecrets.Password() } },
                    },
                },
            });
        });
        Where(violations).Should().HaveCount(3)
            .And.Contain(w => w.Contains("Planted/Task/Resource") && w.Contains("ContainerDefinitions/0/Environment/0/Value"))
            .And.Contain(w => w.Contains("Planted/Build/Resource") && w.Contains("Environment/EnvironmentVariables/0/Value"))
            .And.Contain(w => w.Contains("Planted/Job") && w.Contains("ContainerProperties/Environment/0/Value"));
        Descriptions(violations).Should().Contain("DB_PASSWORD").And.Contain("API_TOKEN").And.Contain("SERVICE_CREDENTIALS");
    }

    [Fact]
    public void ATagWhoseValueAFunctionBuildsIsJudgedByItsKey()
    {
        var findings = ScanTemplate(Resource("AWS::SNS::Topic", $$"""{ "Tags": [ { "Key": "API_TOKEN", "Value": { "Fn::If": [ "IsProd", {{Q(FakeSecrets.Password())}}, "none" ] } } ] }"""));
        findings.Should().ContainSingle().Which.Should().Match<SecretLiteralGuard.Finding>(f => f.Kind == "password-like value of the tag API_TOKEN" && f.Location == "Resources/R/Properties/Tags/0/Value/Fn::If");
    }

    private static string Resource(string type, string properties) => $$"""{ "Resources": { "R": { "Type": {{Q(type)}}, "Properties": {{properties}} } } }""";

    // ---- intrinsic functions ------------------------------------------------------------------------

    [Fact]
    public void NonStringPartsOfJoinAndTheBranchesAndVariablesOfIfAndSubAreScanned()
    {
        var inIf = FakeSecrets.Password();
        var inSub = FakeSecrets.PlainPassword();
        var subVariable = FakeSecrets.Password();
        var envIf = FakeSecrets.Password();
        var userData = $$"""
            { "Fn::Base64": { "Fn::Join": [ "", [
                "#!/bin/bash\n",
                { "Fn::If": [ "IsProd", {{Q($"echo DB_PASSWORD={inIf} >> /etc/app.env\n")}}, "" ] },
                { "Fn::Sub": [ "mysql -uapp -p${Pw} app < /tmp/schema.sql\n", { "Pw": {{Q(inSub)}} } ] },
                { "Fn::Join": [ "", [ "echo region=", { "Ref": "AWS::Region" } ] ] }
            ] ] } }
            """;
        var findings = ScanTemplate($$"""
            { "Resources": {
                "Lt": { "Type": "AWS::EC2::LaunchTemplate", "Properties": { "LaunchTemplateData": { "UserData": {{userData}} } } },
                "Fn": { "Type": "AWS::Lambda::Function", "Properties": { "Environment": { "Variables": {
                    "DB_PASSWORD": { "Fn::If": [ "IsProd", {{Q(envIf)}}, { "Ref": "AWS::NoValue" } ] },
                    "BANNER": { "Fn::Sub": [ "connect with ${DbPassword}", { "DbPassword": {{Q(subVariable)}} } ] } } } } }
            } }
            """);
        findings.Should().HaveCount(4, "one finding per literal, however many texts the functions make");
        findings.Should().Contain(f => f.LogicalId == "Lt" && f.Kind == "password-like value of DB_PASSWORD" && f.Location.EndsWith("UserData/Fn::Base64", StringComparison.Ordinal));
        findings.Should().Contain(f => f.LogicalId == "Lt" && f.Kind == "password on a command line (mysql -p)");
        findings.Should().Contain(f => f.LogicalId == "Fn" && f.Kind == "password-like value of DB_PASSWORD" && f.Location == "Resources/Fn/Properties/Environment/Variables/DB_PASSWORD/Fn::If");
        findings.Should().Contain(f => f.LogicalId == "Fn" && f.Kind == "password-like value of the Fn::Sub variable DbPassword");
        string.Join("\n", findings).Should().NotContain(inIf).And.NotContain(inSub).And.NotContain(subVariable).And.NotContain(envIf);
    }

    // ---- base64 ---------------------------------------------------------------------------------------

    [Fact]
    public void Base64UserDataAndCloudInitB64AndGzipContentAreDecoded()
    {
        var password = FakeSecrets.Password();
        var token = FakeSecrets.Password();
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true)) zip.Write(Encoding.UTF8.GetBytes($"API_TOKEN={token}\n"));
        var cloudConfig = "#cloud-config\nwrite_files:\n" +
            $"  - path: /etc/app/db.env\n    encoding: b64\n    content: {Base64($"DB_PASSWORD={password}\n")}\n" +
            $"  - path: /etc/app/api.env\n    encoding: gz+b64\n    content: {Convert.ToBase64String(gz.ToArray())}\n";
        // A whole script given base64-encoded (AWS::EC2::Instance UserData as a literal), wrapped at 76 characters as base64(1) does.
        var wrapped = string.Join("\n", Base64("#!/bin/bash\ninstall -d /root/.ssh\ncat > /root/.ssh/id_rsa <<'EOF'\n" + FakeSecrets.PrivateKeyBlock() + "\nEOF\n").Chunk(76).Select(c => new string(c)));
        var findings = ScanTemplate($$"""
            { "Resources": {
                "CloudInit": { "Type": "AWS::EC2::Instance", "Properties": { "UserData": { "Fn::Base64": {{Q(cloudConfig)}} } } },
                "Literal": { "Type": "AWS::EC2::Instance", "Properties": { "UserData": {{Q(Base64("#!/bin/bash\n" + "echo ok\n" + "export DB_PASSWORD=" + password + "\n"))}} } },
                "Heredoc": { "Type": "AWS::EC2::Instance", "Properties": { "UserData": { "Fn::Base64": {{Q("#!/bin/bash\nbase64 -d > /tmp/setup.sh <<'B64'\n" + wrapped + "\nB64\nbash /tmp/setup.sh\n")}} } } }
            } }
            """);
        findings.Should().Contain(f => f.LogicalId == "CloudInit" && f.Kind == "password-like value of DB_PASSWORD (base64-encoded)");
        findings.Should().Contain(f => f.LogicalId == "CloudInit" && f.Kind == "password-like value of API_TOKEN (base64-encoded)");
        findings.Should().ContainSingle(f => f.LogicalId == "Literal").Which.Kind.Should().Be("password-like value of DB_PASSWORD (base64-encoded)");
        findings.Should().ContainSingle(f => f.LogicalId == "Heredoc").Which.Kind.Should().Be("private key block (base64-encoded)");
        findings.Should().HaveCount(4);
        string.Join("\n", findings).Should().NotContain(password).And.NotContain(token);
    }

    // ---- new patterns -------------------------------------------------------------------------------------

    [Fact]
    public void AUrlWithAPasswordIsCaughtWhateverTheVariablesName()
    {
        var password = FakeSecrets.PlainPassword();
        var findings = ScanTemplate(Resource("AWS::Lambda::Function", $$"""
            { "Environment": { "Variables": {
                "DATABASE_URL": {{Q($"postgres://app:{password}@db.internal:5432/app")}},
                "CACHE_URL": {{Q($"redis://:{password}x@cache.internal:6379/0")}},
                "QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
                "REPLICA_URL": "postgres://app@replica.internal:5432/app",
                "PRIMARY_URL": { "Fn::Join": [ "", [ "postgres://app:", { "Ref": "DbPassword" }, "@db.internal/app" ] ] },
                "SECRET_URL": {{Q("postgres://app:{{resolve:secretsmanager:prod/db:SecretString:password}}@db.internal/app")}} } } }
            """));
        findings.Should().HaveCount(2).And.OnlyContain(f => f.Kind == "password in a URL (scheme://user:password@host)");
        findings.Select(f => f.Location).Should().BeEquivalentTo(["Resources/R/Properties/Environment/Variables/DATABASE_URL", "Resources/R/Properties/Environment/Variables/CACHE_URL"]);
        var hidden = password[4..];
        findings.Should().OnlyContain(f => f.Redacted.StartsWith("Pw", StringComparison.Ordinal) && !f.Redacted.Contains(hidden, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--password {0}", "password on a command line (--password)")]
    [InlineData("--password={0}", "password on a command line (--password)")]
    [InlineData("aws rds create-db-instance --master-user-password '{0}'", "password on a command line (--master-user-password)")]
    [InlineData("aws secretsmanager create-secret --name db --secret-string {0}", "password on a command line (--secret-string)")]
    [InlineData("mysql -h db -uapp -p{0} app", "password on a command line (mysql -p)")]
    [InlineData("mysqldump -uroot -p{0} --all-databases", "password on a command line (mysqldump -p)")]
    [InlineData("curl -fsS -u deploy:{0} https://repo.example.com/app.tgz", "password on a command line (curl -u)")]
    [InlineData("wget --user=deploy --password={0} https://repo.example.com/app.tgz", "password on a command line (--password)")]
    [InlineData("sshpass -p {0} ssh app@10.0.0.5", "password on a command line (sshpass -p)")]
    [InlineData("redis-cli -h cache -a {0} ping", "password on a command line (redis-cli -a)")]
    [InlineData("openssl enc -d -aes-256-cbc -pass pass:{0} -in a -out b", "password on a command line (openssl -pass)")]
    [InlineData("echo '{0}' | docker login --username app --password-stdin registry.example.com", "literal piped to --password-stdin")]
    public void CommandLinePasswordsAreCaught(string format, string kind)
    {
        var password = FakeSecrets.PlainPassword();
        var matches = SecretPatterns.Scan(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, password)).ToList();
        matches.Should().ContainSingle().Which.Kind.Should().Be(kind);
        matches[0].ToString().Should().NotContain(password[4..], "the match prints redacted");
    }

    [Theory]
    [InlineData("curl -H \"Authorization: Bearer {0}\" https://api.example.com/", "Bearer credentials in an Authorization header")]
    [InlineData("{{\"headers\": {{\"Authorization\": \"Bearer {0}\"}}}}", "Bearer credentials in an Authorization header")]
    [InlineData("Authorization: Basic {0}", "Basic credentials in an Authorization header")]
    [InlineData("const auth = `Bearer {0}`;", "bearer token")]
    public void BearerTokensAreCaught(string format, string kind)
    {
        var token = FakeSecrets.BearerToken();
        SecretPatterns.Scan(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, token)).Should().ContainSingle().Which.Kind.Should().Be(kind);
    }

    [Fact]
    public void WellKnownVendorTokensAreCaughtWhereverTheyAre()
    {
        foreach (var (kind, token) in FakeSecrets.VendorTokens())
        {
            SecretPatterns.Scan($"notify {token} now").Should().ContainSingle($"{kind} is one match").Which.Kind.Should().Be(kind);
            // Under a name that says nothing, and under one that says token: one finding either way, the vendor's kind.
            var findings = ScanTemplate(Resource("AWS::Lambda::Function", $$"""{ "Environment": { "Variables": { "SETTING": {{Q(token)}}, "GITHUB_TOKEN": {{Q(token)}} } } }"""));
            findings.Should().HaveCount(2).And.OnlyContain(f => f.Kind == kind, kind);
            string.Join("\n", findings).Should().NotContain(token[6..]);
        }
    }

    [Fact]
    public void PgpAndEveryPemPrivateKeyBlockAreCaught()
    {
        SecretPatterns.Scan(FakeSecrets.PgpPrivateKeyBlock()).Should().ContainSingle().Which.Kind.Should().Be("PGP private key block");
        var dashes = new string('-', 5);
        foreach (var label in new[] { "RSA", "EC", "DSA", "OPENSSH", "ENCRYPTED", "" })
        {
            var header = $"{dashes}BEGIN {(label.Length > 0 ? label + " " : "")}PRIVATE KEY{dashes}";
            SecretPatterns.Scan($"{header}\nAAAA\n").Should().ContainSingle(label).Which.Kind.Should().Be("private key block");
        }
        foreach (var label in new[] { "PGP PUBLIC KEY BLOCK", "PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY" })
            SecretPatterns.Scan($"{dashes}BEGIN {label}{dashes}\nAAAA\n").Should().BeEmpty(label);
    }

    [Fact]
    public void PwdAndCredentialsNamesAnnounceSecrets()
    {
        var findings = ScanTemplate(Resource("AWS::Lambda::Function", $$"""
            { "Environment": { "Variables": {
                "DB_PWD": {{Q(FakeSecrets.Password())}}, "CREDENTIALS": {{Q(FakeSecrets.Password())}}, "ServiceCredential": {{Q(FakeSecrets.Password())}},
                "PWD": "/opt/app/current", "GOOGLE_APPLICATION_CREDENTIALS": "/etc/gcp/service-account.json", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/credentials" } } }
            """));
        findings.Select(f => f.Kind).Should().BeEquivalentTo(["password-like value of DB_PWD", "password-like value of CREDENTIALS", "password-like value of ServiceCredential"]);
        SecretPatterns.Scan($"export MYSQL_PWD={FakeSecrets.Password()}").Should().ContainSingle().Which.Kind.Should().Be("password-like value of MYSQL_PWD");
        SecretPatterns.Scan($"CREDENTIALS={FakeSecrets.Password()}").Should().ContainSingle();
    }

    [Theory]
    [InlineData("aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com")]
    [InlineData("echo \"$REGISTRY_TOKEN\" | docker login --username app --password-stdin registry.example.com")]
    [InlineData("mysql -h db -u app -p app")]
    [InlineData("mysql -h db -u app -P 3306 --password=\"$DB_PASSWORD\" app")]
    [InlineData("mkdir -p /var/lib/mysql && install -d -m 0755 /opt/app")]
    [InlineData("find /var/lib/mysql -prune")]
    [InlineData("curl -fsS -u \"$REPO_USER:$REPO_PASSWORD\" https://repo.example.com/")]
    [InlineData("curl -fsS --user-agent app/1.0 https://repo.example.com/")]
    [InlineData("curl -H \"Authorization: Bearer ${TOKEN}\" https://api.example.com/")]
    [InlineData("curl -H \"Authorization: Bearer $(cat /run/secrets/token)\" https://api.example.com/")]
    [InlineData("IMDS_TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')")]
    [InlineData("curl -H \"X-aws-ec2-metadata-token: ${IMDS_TOKEN}\" http://169.254.169.254/latest/meta-data/placement/region")]
    [InlineData("aws secretsmanager get-secret-value --secret-id \"$APP_SECRET_ARN\" --query SecretString --output text")]
    [InlineData("app --password-file /run/secrets/db --token-ttl 300 --no-password-prompt")]
    [InlineData("https://example.com:8443/health and postgres://app@db.internal:5432/app and s3://bucket/key")]
    [InlineData("PWD=/opt/app OLDPWD=/root GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp.json")]
    [InlineData("Uses Bearer authentication with a short-lived token")]
    [InlineData("DB_PASSWORD={{resolve:secretsmanager:prod/db:SecretString:password}}")]
    [InlineData("API_TOKEN=${Token[TOKEN.123]}")]
    [InlineData("--password <your-password>")]
    [InlineData("proxy_pass http://app_processes; server 127.0.0.1:8001 max_fails=3 fail_timeout=5s;")]
    public void LookAlikesAreNotSecrets(string text) => SecretPatterns.Scan(text).Should().BeEmpty();

    [Fact]
    public void EveryPlantedClassIsReportedRedactedInTheValidationReport()
    {
        var raws = new List<string>();
        string Keep(string value) { raws.Add(value); return value; }
        var tokens = FakeSecrets.VendorTokens();
        var outdir = Path.Combine(Path.GetTempPath(), "guard-" + Guid.NewGuid().ToString("N"));
        var app = new App(new AppProps { BuiltinCloudFormationValidation = false, AnalyticsReporting = false, Outdir = outdir });
        var stack = new Stack(app, "Planted");
        SecretLiteralGuard.ApplyTo(app);
        _ = new CfnOutput(stack, "DbPassword", new CfnOutputProps { Value = Keep(FakeSecrets.Password()) });
        _ = new CfnParameter(stack, "Hidden", new CfnParameterProps { NoEcho = true, Default = Keep(FakeSecrets.Password()) });
        _ = new CfnMapping(stack, "Keys", new CfnMappingProps
        {
            Mapping = new Dictionary<string, IDictionary<string, object>> { ["all"] = new Dictionary<string, object> { ["hook"] = Keep(tokens["Slack webhook URL"]) } },
        });
        _ = new StringParameter(stack, "Db", new StringParameterProps { ParameterName = "/prod/db/password", StringValue = Keep(FakeSecrets.Password()) });
        var script = $"#!/bin/bash\nexport DATABASE_URL=postgres://app:{Keep(FakeSecrets.PlainPassword())}@db/app\nmysql -uapp -p{Keep(FakeSecrets.PlainPassword())} app\n" +
            $"curl -H 'Authorization: Bearer {Keep(FakeSecrets.BearerToken())}' https://api.example.com\nexport GH={Keep(tokens["GitHub token"])}\n";
        _ = new CfnResource(stack, "Vm", new CfnResourceProps { Type = "AWS::EC2::Instance", Properties = new Dictionary<string, object> { ["UserData"] = Base64(script) } });
        try
        {
            var act = () => app.Synth();
            act.Should().Throw<Exception>().Which.Message.Should().Contain("Validation failed");
            var report = File.ReadAllText(Path.Combine(outdir, "validation-report.json"));
            var violations = JsonNode.Parse(report)!["pluginReports"]!.AsArray().SelectMany(p => p!["violations"]!.AsArray()).ToList();
            violations.Should().HaveCount(raws.Count, "one finding per planted literal");
            foreach (var raw in raws) report.Should().NotContain(raw[4..], "every message is redacted");
            foreach (var line in Infra.Constructs.Startup.ValidationSummary.Lines(Path.Combine(outdir, "validation-report.json")))
                foreach (var raw in raws) line.Should().NotContain(raw[4..]);
        }
        finally { Directory.Delete(outdir, recursive: true); }
    }
}
