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
            self.assertEqual(sorted(colors), ["blue", "green"])

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
