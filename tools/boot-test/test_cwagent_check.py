"""Tests of cwagent_check: the library's configuration passes, and each rule catches its error.

Run: cd tools/boot-test && python3 -m unittest test_cwagent_check -v"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cwagent_check  # noqa: E402
from cwagent_check import check  # noqa: E402


sys.path.insert(0, os.path.join(HERE, "..", "server-files"))
import render  # noqa: E402

# What CloudWatchAgentScript.Config renders: the one source, ServerFiles/amazon-cloudwatch-agent.json.template,
# with plain log group names and the default app log file (MonitoringDefaults.JournalExportFile).
LIBRARY_CONFIG = json.loads(render.render("amazon-cloudwatch-agent.json.template", {
    "NGINX_ACCESS_LOG_GROUP": "/web/fleet/nginx-access",
    "NGINX_ERROR_LOG_GROUP": "/web/fleet/nginx-error",
    "APP_LOG_FILE": "/var/log/app/app.log",
    "APP_LOG_GROUP": "/web/fleet/app",
    "DEPLOY_LOG_GROUP": "/web/fleet/deploy",
    "METRIC_NAMESPACE": "WebFleet/Reference/Web",
}))

ENTRY = "logs.logs_collected.files.collect_list"


def config():
    return copy.deepcopy(LIBRARY_CONFIG)


class Passing(unittest.TestCase):
    def test_library_config_passes(self):
        self.assertEqual(check(config()), [])

    def test_library_config_as_rendered_json_passes(self):
        # The script writes it as indented JSON; the boot test parses what the stand-in copied out.
        self.assertEqual(check(json.loads(json.dumps(LIBRARY_CONFIG, indent=2))), [])

    def test_other_keys_the_schema_allows_pass(self):
        c = config()
        c["agent"].update({"logfile": "", "region": "eu-west-1", "debug": False, "run_as_user": "cwagent",
                           "credentials": {"role_arn": "arn:aws:iam::123456789012:role/cwagent"},
                           "service.name": "web", "deployment.environment": "prod"})
        e = c["logs"]["logs_collected"]["files"]["collect_list"][0]
        e.update({"retention_in_days": 365, "timezone": "UTC", "multi_line_start_pattern": "{timestamp_format}",
                  "timestamp_format": "%d/%b/%Y:%H:%M:%S %z", "encoding": "utf-8", "log_group_class": "standard",
                  "auto_removal": False, "trim_timestamp": True, "publish_multi_logs": False,
                  "backpressure_mode": "fd_release", "blacklist": r"\.gz$",
                  "filters": [{"type": "exclude", "expression": "healthcheck"}],
                  "service.name": "nginx", "deployment.environment": "prod"})
        c["logs"]["logs_collected"]["files"]["collect_list"][1]["log_stream_name"] = "{hostname}-{local_hostname}-{ip_address}"
        c["logs"].update({"log_stream_name": "{instance_id}", "force_flush_interval": 5, "concurrency": 2,
                          "endpoint_override": "logs.eu-west-1.amazonaws.com"})
        m = c["metrics"]
        m.update({"append_dimensions": {"InstanceId": "${aws:InstanceId}",
                                        "AutoScalingGroupName": "${aws:AutoScalingGroupName}"},
                  "aggregation_dimensions": [[], ["AutoScalingGroupName"]], "force_flush_interval": 60,
                  "metrics_destinations": {"cloudwatch": {}}})
        m["metrics_collected"]["mem"].update({
            "metrics_collection_interval": 30, "append_dimensions": {"Role": "web"},
            "measurement": ["mem_used_percent", {"name": "available_percent", "rename": "MemFree", "unit": "Percent"}]})
        m["metrics_collected"]["disk"].update({
            "ignore_file_system_types": ["tmpfs", "devtmpfs"], "resources": ["/", "/data", "*"],
            "measurement": ["used_percent", "disk_inodes_free"], "drop_original_metrics": ["disk_used_percent"]})
        self.assertEqual(check(c), [])

    def test_integral_float_counts_as_integer(self):
        c = config()
        c["agent"]["metrics_collection_interval"] = 60.0  # gojsonschema accepts it too
        self.assertEqual(check(c), [])


class Failing(unittest.TestCase):
    def assertError(self, c, expected):
        errors = check(c)
        self.assertTrue(any(expected in e for e in errors), f"no error containing {expected!r} in {errors}")
        return errors

    # one case per rule

    def test_unknown_key(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][1]["log_group"] = "/x"
        self.assertError(c, f"{ENTRY}[1].log_group: unknown key (not allowed by the agent's schema")

    def test_unknown_key_where_the_schema_tolerates_it(self):
        c = config()
        c["agent"]["omit_hostnme"] = True
        c["metric"] = {}
        c["metrics"]["metrics_collected"]["mem"]["resources"] = ["*"]
        errors = check(c)
        for path in ("agent.omit_hostnme", "metric", "metrics.metrics_collected.mem.resources"):
            self.assertTrue(any(e.startswith(f"{path}: unknown key (the schema tolerates it") for e in errors), errors)

    def test_wrong_type(self):
        c = config()
        c["agent"]["omit_hostname"] = "true"
        self.assertError(c, 'agent.omit_hostname: must be a boolean (true/false), got string "true"')

    def test_bad_enum(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][0]["timezone"] = "GMT"
        c["logs"]["logs_collected"]["files"]["collect_list"][1]["retention_in_days"] = 366
        errors = self.assertError(c, f'{ENTRY}[0].timezone: must be one of "Local", "LOCAL", "UTC"; got "GMT"')
        self.assertTrue(any(e.startswith(f"{ENTRY}[1].retention_in_days: must be one of") for e in errors), errors)

    def test_out_of_range(self):
        c = config()
        c["agent"]["metrics_collection_interval"] = 0
        self.assertError(c, "agent.metrics_collection_interval: must be >= 1; got 0")

    def test_pattern(self):
        c = config()
        c["agent"]["credentials"] = {"role_arn": "short"}
        self.assertError(c, "agent.credentials.role_arn: must be at least 20 characters long (an ARN) or a ${...} placeholder")

    def test_relative_path(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][2]["file_path"] = "var/log/app/app.log"
        self.assertIn(f'{ENTRY}[2].file_path: must be an absolute path; got "var/log/app/app.log"', check(c))

    def test_unresolved_token(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][0]["log_group_name"] = "${Token[TOKEN.123]}"
        c["logs"]["logs_collected"]["files"]["collect_list"][1]["log_group_name"] = {"Ref": "ErrorLogGroup1234"}
        c["metrics"]["namespace"] = 'WebFleet/{"Fn::GetAtt": ["X", "Y"]}'
        errors = check(c)
        self.assertIn(f'{ENTRY}[0].log_group_name: unresolved CloudFormation token (${{Token[) in "${{Token[TOKEN.123]}}"', errors)
        self.assertTrue(any(e.startswith(f"{ENTRY}[1].log_group_name.Ref: unresolved CloudFormation intrinsic") for e in errors), errors)
        self.assertTrue(any(e.startswith("metrics.namespace: unresolved CloudFormation token (Fn::)") for e in errors), errors)
        # the token is reported once, not again as a bad placeholder or character
        self.assertEqual([e for e in errors if e.startswith(f"{ENTRY}[0].")], [errors[0]])

    def test_unresolved_ref_text(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][3]["log_group_name"] = '{"Ref":"DeployLogGroup"}'
        self.assertError(c, f'{ENTRY}[3].log_group_name: unresolved CloudFormation token ({{"Ref")')

    def test_unknown_placeholder(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][3]["log_stream_name"] = "{instance-id}/bootstrap"
        c["logs"]["logs_collected"]["files"]["collect_list"][4]["log_stream_name"] = "{date}"
        errors = self.assertError(c, f"{ENTRY}[3].log_stream_name: unknown placeholder {{instance-id}}")
        self.assertTrue(any(e.startswith(f"{ENTRY}[4].log_stream_name: unknown placeholder {{date}}") for e in errors), errors)

    def test_bad_log_names(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][0]["log_group_name"] = "web fleet"
        c["logs"]["logs_collected"]["files"]["collect_list"][1]["log_stream_name"] = "{instance_id}:error"
        self.assertError(c, f"{ENTRY}[0].log_group_name: log group names allow only")
        self.assertError(c, f"{ENTRY}[1].log_stream_name: log stream names may not contain ':' or '*'")

    def test_bad_measurement(self):
        c = config()
        c["metrics"]["metrics_collected"]["mem"]["measurement"] = ["used_pct"]
        c["metrics"]["metrics_collected"]["disk"]["measurement"] = ["used_percent", {"name": "disk_used_percent"}]
        errors = self.assertError(c, "metrics.metrics_collected.mem.measurement[0]: 'used_pct' is not a mem metric")
        self.assertTrue(any(e.startswith("metrics.metrics_collected.disk.measurement[1].name: 'disk_used_percent' repeats")
                            for e in errors), errors)

    def test_cpu_measurement_under_mem(self):
        c = config()
        c["metrics"]["metrics_collected"]["mem"]["measurement"] = ["cpu_usage_idle"]
        self.assertError(c, "metrics.metrics_collected.mem.measurement[0]: 'cpu_usage_idle' is not a mem metric")

    def test_missing_required_key(self):
        c = config()
        del c["logs"]["logs_collected"]["files"]["collect_list"][5]["file_path"]
        del c["metrics"]["metrics_collected"]["disk"]["measurement"]
        errors = self.assertError(c, f"{ENTRY}[5].file_path: required key is missing")
        self.assertIn("metrics.metrics_collected.disk.measurement: required key is missing", errors)
        c = config()
        del c["metrics"]["metrics_collected"]
        self.assertError(c, "metrics.metrics_collected: required key is missing")

    def test_duplicate_entry(self):
        c = config()
        entries = c["logs"]["logs_collected"]["files"]["collect_list"]
        entries.append(copy.deepcopy(entries[0]))
        self.assertError(c, f"{ENTRY}[6]: duplicate of {ENTRY}[0]")

    def test_conflicting_retention(self):
        c = config()
        entries = c["logs"]["logs_collected"]["files"]["collect_list"]
        entries[3]["retention_in_days"] = 30
        entries[4]["retention_in_days"] = 365
        self.assertError(c, f"{ENTRY}[4].retention_in_days: 365 conflicts with 30 at {ENTRY}[3]")

    def test_append_dimensions_the_agent_ignores(self):
        c = config()
        c["metrics"]["append_dimensions"] = {"InstanceId": "${aws:InstanceID}"}
        self.assertError(c, "metrics.append_dimensions.InstanceId: the agent ignores this pair")

    def test_section_not_covered(self):
        c = config()
        c["metrics"]["metrics_collected"]["cpu"] = {"measurement": ["usage_idle"]}
        self.assertError(c, "metrics.metrics_collected.cpu: not covered by cwagent_check")

    def test_every_error_is_collected(self):
        c = config()
        c["agent"]["omit_hostname"] = 1
        c["logs"]["logs_collected"]["files"]["collect_list"][2]["file_path"] = "app.log"
        c["metrics"]["metrics_collected"]["mem"]["measurement"] = ["nope"]
        errors = check(c)
        self.assertEqual(len(errors), 3, errors)


class CommandLine(unittest.TestCase):
    def run_cli(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(text)
        try:
            r = subprocess.run([sys.executable, os.path.join(HERE, "cwagent_check.py"), f.name],
                               capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        return r, f.name

    def test_ok(self):
        r, name = self.run_cli(json.dumps(LIBRARY_CONFIG, indent=2))
        self.assertEqual((r.returncode, r.stdout), (0, f"ok: {name}\n"))

    def test_errors(self):
        c = config()
        c["logs"]["logs_collected"]["files"]["collect_list"][2]["file_path"] = "app.log"
        r, _ = self.run_cli(json.dumps(c))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, f'{ENTRY}[2].file_path: must be an absolute path; got "app.log"\n')

    def test_duplicate_key(self):
        r, _ = self.run_cli('{"agent": {"omit_hostname": true, "omit_hostname": false}, "logs": '
                            + json.dumps(LIBRARY_CONFIG["logs"]) + "}")
        self.assertEqual(r.returncode, 1)
        self.assertIn('"omit_hostname": duplicate key', r.stdout)

    def test_not_json(self):
        r, _ = self.run_cli("{")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot read JSON", r.stdout)


if __name__ == "__main__":
    unittest.main()
