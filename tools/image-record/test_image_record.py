"""Tests of tools/images against moto_server on loopback (no AWS): the record changes only by a command,
and only for the color and regions named. Run: python3 -m unittest -v test_image_record (in this folder)."""
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(REPO, "tools", "images")
RECORD = os.path.join(REPO, "src", "Infra.App", "Config", "images.json")
PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ImageRecordTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(cls.port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        # Fake credentials made up at run time; moto accepts any.
        cls.env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{cls.port}",
                       AWS_ACCESS_KEY_ID="test" + secrets.token_hex(8).upper(),
                       AWS_SECRET_ACCESS_KEY=secrets.token_urlsafe(30), AWS_DEFAULT_REGION="eu-west-1")
        cls.env.pop("AWS_PROFILE", None)

    @classmethod
    def tearDownClass(cls):
        cls.moto.terminate()
        cls.moto.wait(10)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="images-")
        self.file = os.path.join(self.dir, "images.json")
        shutil.copy(RECORD, self.file)
        self.env["IMAGES_FILE"] = self.file

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_tool(self, *args):
        return subprocess.run(["bash", TOOL, *args], env=self.env, capture_output=True, text=True, timeout=60)

    def latest(self, region):
        import boto3
        ssm = boto3.client("ssm", region_name=region, endpoint_url=self.env["AWS_ENDPOINT_URL"],
                           aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"])
        return ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"]

    def record(self):
        with open(self.file, encoding="utf-8") as f:
            return json.load(f)

    def test_the_committed_record_is_valid_and_names_both_colors_of_every_environment(self):
        envs = self.record()["environments"]
        self.assertEqual(sorted(envs), ["dev", "prod"])
        for colors in envs.values():
            self.assertEqual(sorted(set(colors) - {"pipeline"}), ["blue", "green"])
        self.assertEqual(envs["prod"]["pipeline"], "prod-web", "prod's images come from the Prod-Images pipeline")
        self.assertNotIn("pipeline", envs["dev"], "dev keeps the public image")

    def test_update_records_the_newest_public_image_for_one_color_and_region_only(self):
        r = self.run_tool("update", "--env", "prod", "--color", "green", "--region", "eu-west-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        green = self.record()["environments"]["prod"]["green"]
        self.assertEqual(green["eu-west-1"]["ami"], self.latest("eu-west-1"))
        self.assertEqual(green["eu-west-1"]["source"], "ssm:" + PARAMETER)
        self.assertIn("replaces the servers of prod green", r.stdout)
        self.assertEqual(self.record()["environments"]["prod"]["blue"], {}, "the live color is untouched")
        again = self.run_tool("update", "--env", "prod", "--color", "green", "--region", "eu-west-1")
        self.assertIn("(unchanged)", again.stdout)

    def test_update_records_several_regions_each_with_its_own_image(self):
        r = self.run_tool("update", "--env", "dev", "--color", "blue", "--region", "eu-west-1", "--region", "us-east-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        blue = self.record()["environments"]["dev"]["blue"]
        self.assertEqual(blue["us-east-1"]["ami"], self.latest("us-east-1"))
        self.assertNotEqual(blue["us-east-1"]["ami"], blue["eu-west-1"]["ami"], "AMI ids are regional")

    def test_check_fails_until_every_color_has_a_record(self):
        self.assertEqual(self.run_tool("check", "--env", "dev").returncode, 1)
        self.run_tool("set", "--env", "dev", "--color", "blue", "--region", "eu-west-1", "--ami", "ami-0123456789abcdef0")
        r = self.run_tool("check", "--env", "dev")
        self.assertEqual(r.returncode, 1)
        self.assertIn("dev/green", r.stderr)
        self.run_tool("set", "--env", "dev", "--color", "green", "--region", "eu-west-1", "--ami", "ami-0123456789abcdef1")
        self.assertEqual(self.run_tool("check", "--env", "dev").returncode, 0)

    def test_check_names_the_first_step_for_an_environment_with_a_pipeline(self):
        r = self.run_tool("check", "--env", "prod")
        self.assertEqual(r.returncode, 1)
        self.assertIn("prod takes its images from the pipeline prod-web", r.stderr)
        self.assertIn("deploy its stack (npx cdk deploy -c env=prod Prod-Network Prod-Images", r.stderr)
        self.assertIn("aws imagebuilder start-image-pipeline-execution --image-pipeline-arn "
                      "arn:aws:imagebuilder:REGION:ACCOUNT:image-pipeline/prod-web-x86-64", r.stderr)
        # Idle color first; the live one (blue) only with --allow-live.
        self.assertIn("idle color first: tools/images golden --env prod --color green --region REGION --pipeline prod-web; "
                      "tools/images golden --env prod --color blue --region REGION --pipeline prod-web --allow-live", r.stderr)
        dev = self.run_tool("check", "--env", "dev")
        self.assertEqual(dev.returncode, 1)
        self.assertNotIn("First step", dev.stderr, "dev names no pipeline")

    def test_golden_reads_the_pipeline_the_record_names(self):
        self.put_golden("eu-west-1", "/infra/golden-image/prod-web/x86_64", "ami-0aaaaaaaaaaaaaaa1")
        r = self.run_tool("golden", "--env", "prod", "--color", "green", "--region", "eu-west-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        entry = self.record()["environments"]["prod"]["green"]["eu-west-1"]
        self.assertEqual(entry["ami"], "ami-0aaaaaaaaaaaaaaa1")
        self.assertEqual(entry["source"], "pipeline prod-web (ssm:/infra/golden-image/prod-web/x86_64)")
        self.assertEqual(self.record()["environments"]["prod"]["pipeline"], "prod-web", "the record keeps its pipeline")

    def put_golden(self, region, name, value):
        import boto3
        ssm = boto3.client("ssm", region_name=region, endpoint_url=self.env["AWS_ENDPOINT_URL"],
                           aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"])
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

    def test_golden_records_the_pipelines_newest_image_for_the_idle_color_only(self):
        self.put_golden("eu-west-1", "/infra/golden-image/web/x86_64", "ami-0aaaaaaaaaaaaaaa1")
        self.put_golden("eu-west-1", "/infra/golden-image/web/arm64", "ami-0bbbbbbbbbbbbbbb2")
        r = self.run_tool("golden", "--env", "prod", "--color", "green", "--region", "eu-west-1", "--pipeline", "web")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("prod: live color: blue", r.stdout)
        green = self.record()["environments"]["prod"]["green"]["eu-west-1"]
        self.assertEqual(green["ami"], "ami-0aaaaaaaaaaaaaaa1")
        self.assertEqual(green["source"], "pipeline web (ssm:/infra/golden-image/web/x86_64)")
        self.assertEqual(self.record()["environments"]["prod"]["blue"], {}, "the live color is untouched")
        # A new image later: the record follows the parameter, a diff of one line.
        self.put_golden("eu-west-1", "/infra/golden-image/web/x86_64", "ami-0aaaaaaaaaaaaaaa3")
        r = self.run_tool("golden", "--env", "prod", "--color", "green", "--region", "eu-west-1", "--pipeline", "web")
        self.assertIn("ami-0aaaaaaaaaaaaaaa1 -> ami-0aaaaaaaaaaaaaaa3", r.stdout)
        r = self.run_tool("golden", "--env", "dev", "--color", "green", "--region", "eu-west-1", "--arch", "arm64")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.record()["environments"]["dev"]["green"]["eu-west-1"]["ami"], "ami-0bbbbbbbbbbbbbbb2")

    def test_golden_reads_the_parameter_given(self):
        self.put_golden("us-east-1", "/team/images/api-server", "ami-0ccccccccccccccc4")
        r = self.run_tool("golden", "--env", "dev", "--color", "green", "--region", "us-east-1",
                          "--pipeline", "api", "--parameter", "/team/images/api-server")
        self.assertEqual(r.returncode, 0, r.stderr)
        entry = self.record()["environments"]["dev"]["green"]["us-east-1"]
        self.assertEqual((entry["ami"], entry["source"]), ("ami-0ccccccccccccccc4", "pipeline api (ssm:/team/images/api-server)"))

    def test_golden_refuses_the_live_color_unless_allowed(self):
        self.put_golden("eu-west-1", "/infra/golden-image/web/x86_64", "ami-0aaaaaaaaaaaaaaa1")
        before = self.record()
        r = self.run_tool("golden", "--env", "prod", "--color", "blue", "--region", "eu-west-1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("prod blue takes traffic", r.stderr)
        self.assertEqual(self.record(), before, "nothing was written")
        r = self.run_tool("golden", "--env", "prod", "--color", "blue", "--region", "eu-west-1", "--allow-live")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("writing the LIVE color prod blue", r.stdout)
        self.assertEqual(self.record()["environments"]["prod"]["blue"]["eu-west-1"]["ami"], "ami-0aaaaaaaaaaaaaaa1")

    def test_golden_takes_the_live_color_from_the_settings_and_a_canary_makes_both_live(self):
        # A copy of the settings with prod on green and a canary: both colors take traffic.
        with open(os.path.join(REPO, "src", "Infra.App", "Config", "Environments.cs"), encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text.count("ActiveColor = TrafficColor.Blue, CanaryPercent = 0"), 2, "the fixture edits both plans")
        edited = text.replace("ActiveColor = TrafficColor.Blue, CanaryPercent = 0, IdleCapacity = IdleCapacity.Warm",
                              "ActiveColor = TrafficColor.Green, CanaryPercent = 10, IdleCapacity = IdleCapacity.Warm")
        settings = os.path.join(self.dir, "Environments.cs")
        with open(settings, "w", encoding="utf-8") as f:
            f.write(edited)
        self.env["ENVIRONMENTS_FILE"] = settings
        try:
            self.put_golden("eu-west-1", "/infra/golden-image/web/x86_64", "ami-0aaaaaaaaaaaaaaa1")
            for color in ("blue", "green"):
                r = self.run_tool("golden", "--env", "prod", "--color", color, "--region", "eu-west-1")
                self.assertEqual(r.returncode, 2, color)
                self.assertIn("prod: live colors: green, blue", r.stdout)
            r = self.run_tool("golden", "--env", "dev", "--color", "green", "--region", "eu-west-1")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("dev: live color: blue", r.stdout)
            with open(settings, "w", encoding="utf-8") as f:
                f.write(edited.replace("Traffic = new TrafficPlan", "Traffic = TrafficPlan.From"))
            r = self.run_tool("golden", "--env", "dev", "--color", "green", "--region", "eu-west-1")
            self.assertEqual(r.returncode, 2, "a plan it cannot read is a refusal, not a guess")
            self.assertIn("cannot tell the live color of 'dev'", r.stderr)
        finally:
            self.env.pop("ENVIRONMENTS_FILE")

    def test_golden_refuses_a_value_that_is_not_an_image_and_a_missing_parameter(self):
        before = self.record()
        self.put_golden("eu-west-1", "/infra/golden-image/broken/x86_64", "not-an-ami")
        r = self.run_tool("golden", "--env", "dev", "--color", "green", "--region", "eu-west-1", "--pipeline", "broken")
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an AMI id", r.stderr)
        r = self.run_tool("golden", "--env", "dev", "--color", "green", "--region", "eu-west-1", "--pipeline", "never-ran")
        self.assertEqual(r.returncode, 2)
        self.assertIn("could not read /infra/golden-image/never-ran/x86_64", r.stderr)
        for bad in (["--pipeline", "web;rm"], ["--parameter", "no-slash"]):
            self.assertEqual(self.run_tool("golden", "--env", "dev", "--color", "green", "--region", "eu-west-1", *bad).returncode, 2, bad)
        self.assertEqual(self.record(), before)

    def test_bad_input_is_refused_and_the_record_is_unchanged(self):
        before = self.record()
        for args in (["set", "--env", "dev", "--color", "blue", "--region", "eu-west-1", "--ami", "ami-xyz"],
                     ["set", "--env", "dev", "--color", "blue", "--region", "Ireland", "--ami", "ami-0123456789abcdef0"],
                     ["set", "--env", "staging", "--color", "blue", "--region", "eu-west-1", "--ami", "ami-0123456789abcdef0"],
                     ["update", "--env", "dev", "--color", "purple", "--region", "eu-west-1"]):
            r = self.run_tool(*args)
            self.assertNotEqual(r.returncode, 0, args)
        self.assertEqual(self.record(), before)


if __name__ == "__main__":
    unittest.main()
