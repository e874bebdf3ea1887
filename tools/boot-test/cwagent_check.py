#!/usr/bin/env python3
"""Strict validator of an Amazon CloudWatch agent JSON configuration (Linux, EC2).

The boot test cannot run the real agent, so its stand-in amazon-cloudwatch-agent-ctl copies the
configuration out and the host checks it here, as strictly as the agent would and then some.

Source of truth: the agent's own JSON schema,
    aws/amazon-cloudwatch-agent  translator/config/schema.json
    at commit ab55b8daa204e95c42c0267ee5aa49ec3b3a7317 (2026-08-07),
read from the repository; the file is NOT copied here. The subset of it that applies to the sections
this library renders is encoded by hand in the SCHEMA below (definition names are given next to
each part): the root, agentDefinition, logsDefinition (logs_collected.files, logsFilesDefinition,
filterDefinition, logGroupName/logStreamName/logGroupClass/retentionInDays definitions),
metricsDefinition (namespace, aggregation_dimensions, append_dimensions, metrics_destinations,
metrics_collected.mem = memDefinitions, metrics_collected.disk = diskDefinitions, with
basicMetricDefinition, basicResourcesDefinition, metricsMeasurementDefinition,
generalAppendDimensionsDefinition), credentialsDefinition, endpointOverrideDefinition and
timeIntervalDefinition. Every keyword the schema uses there is enforced: type, properties,
additionalProperties, required, enum, minimum/maximum, minLength/maxLength, pattern,
minItems/maxItems, uniqueItems, minProperties/maxProperties, anyOf, oneOf. As in gojsonschema (which
the agent uses), an "integer" may be written 60 or 60.0.

Sections the schema allows but this module does not encode (traces, opentelemetry,
logs.metrics_collected, logs_collected.windows_events/journald/application_signals, metric plugins
other than mem and disk) are reported as errors ("not covered"), so nothing passes unchecked.

Extra rules, beyond the schema (each error message says which rule it is):
- unresolved CloudFormation/CDK text anywhere (keys and strings): ${Token[, #{Token[, {"Ref",
  Fn::, ${AWS::, {{resolve:, a {"Ref": ...}/{"Fn::...": ...} object, or a CDK-encoded number token;
- unknown keys fail even where the schema tolerates them (root, agent, mem, disk, measurement
  objects): the agent would silently ignore them. For agent, the keys the schema lists plus those the
  translator reads (translator/translate/agent/rule*.go, same commit) are allowed;
- every collect_list file_path is absolute; every disk resource is "*" or an absolute mount point;
- log_group_name / log_stream_name placeholders only {instance_id}, {hostname}, {local_hostname},
  {ip_address}: the set the agent documents ("As part of the name, you can use {instance_id},
  {hostname}, {local_hostname}, and {ip_address} as variables within the name"):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
  (found with the docs search as docs.amazonaws.cn/en_us/.../CloudWatch-Agent-Configuration-File-Details.md;
  same text in awsdocs/amazon-cloudwatch-user-guide doc_source/CloudWatch-Agent-Configuration-File-Details.md
  @ cc40332fd9cd65366e991a6fd68654b2875588cc). The agent's code also replaces {aws_region},
  {account_id} and {date} (translator/translate/util/placeholderUtil.go); they are undocumented
  and rejected here;
- log group names use only a-z A-Z 0-9 _ - / . # and log stream names no ':' or '*' (CloudWatch
  Logs CreateLogGroup / CreateLogStream naming rules), placeholders aside;
- mem and disk measurement names from the documented lists (same page, "metrics_collected" Linux
  section: mem "active, available, available_percent, buffered, cached, free, inactive, total, used,
  used_percent"; disk "free, total, used, used_percent, inodes_free, inodes_used, inodes_total"),
  plus mem "shared", which the agent also accepts on Linux
  (translator/translate/metrics/config/registered_metrics.go). Either the short name or the full
  one ("mem_used_percent") may be given, as the docs say and the agent does (it rejects any other
  name: "measurement name X is invalid"); no duplicates after that; at least one measurement (with
  none the agent silently drops the plugin); a measurement object needs "name", may have only
  name/rename/unit, and unit must be a CloudWatch unit (MetricDatum);
- metrics.append_dimensions only the four pairs the agent supports, e.g. "InstanceId":
  "${aws:InstanceId}" (docs: "Any other key-value pairs are ignored"; plugins/processors/ec2tagger);
- namespace not starting with "AWS/" or ":" (PutMetricData);
- log_group_class STANDARD or INFREQUENT_ACCESS (any case; the agent ignores other values), and
  one retention_in_days / log_group_class per log group (the agent fails on conflicting ones:
  translator/translate/logs/util/validate_fields.go); encoding from the documented list; a filter
  needs both type and expression (the translator fails on one without: "Filter ... is invalid").
Not checked: regular expressions (multi_line_start_pattern, filters[].expression; the agent uses Go
RE2, which Python's re does not match exactly) and timestamp_format directives.

Usage: python3 cwagent_check.py FILE.json  -> prints the errors and exits 1, or "ok: FILE.json", 0.
API:   check(config: dict) -> list[str]  (every error, each "json.path: message").
Python 3.11 standard library only.
"""
import json
import math
import re
import sys

SCHEMA_SOURCE = ("aws/amazon-cloudwatch-agent translator/config/schema.json "
                 "@ ab55b8daa204e95c42c0267ee5aa49ec3b3a7317")

# ---------------------------------------------------------------------------------------------
# Paths and JSON values
# ---------------------------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _key(path, k):
    """JSON path of member k of the object at path: a.b, a["service.name"]."""
    if _IDENT.match(k):
        return f"{path}.{k}" if path else k
    return f"{path}[{json.dumps(k)}]"


def _show(path):
    return path or "(root)"


# JSON Schema's name for a Python value; bool before int (a bool is an int in Python).
_JSON_TYPES = ((type(None), "null"), (bool, "boolean"), (int, "integer"), (float, "number"),
               (str, "string"), (list, "array"), (dict, "object"))


def _json_type(v):
    return next((name for py, name in _JSON_TYPES if isinstance(v, py)), type(v).__name__)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_type(v, t):
    if t == "integer":  # gojsonschema: any number with no fractional part
        return _is_number(v) and (isinstance(v, int) or (math.isfinite(v) and v.is_integer()))
    if t == "number":
        return _is_number(v)
    return _json_type(v) == t


_TYPE_NAMES = {"object": "an object", "array": "an array", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "a boolean (true/false)", "null": "null"}


def _canon(v):
    """Canonical text of a JSON value, for JSON equality (1 == 1.0, true != 1)."""
    def norm(x):
        if isinstance(x, bool) or x is None or isinstance(x, str):
            return x
        if isinstance(x, float) and math.isfinite(x) and x.is_integer():
            return int(x)
        if isinstance(x, list):
            return [norm(i) for i in x]
        if isinstance(x, dict):
            return {k: norm(i) for k, i in x.items()}
        return x
    return json.dumps(norm(v), sort_keys=True)


def _json_eq(a, b):
    return _canon(a) == _canon(b)


# ---------------------------------------------------------------------------------------------
# A small JSON Schema (draft-04 subset) evaluator, plus "x-" extensions:
#   x-unsupported: message      the schema allows this member; this module does not check it: error
#   x-strict: True              additionalProperties is true in the schema; unknown keys fail anyway
#   x-checks: [f(value, path, errors)]   extra rules, run when the type matched
#   x-message: text             message for a failed anyOf
# ---------------------------------------------------------------------------------------------


def _validate(value, schema, path, errors):
    if "x-unsupported" in schema:
        errors.append(f"{_show(path)}: {schema['x-unsupported']}")
        return
    t = schema.get("type")
    if t is not None and not _is_type(value, t):
        errors.append(f"{_show(path)}: must be {_TYPE_NAMES[t]}, got {_json_type(value)} {_brief(value)}")
        return
    if "enum" in schema and not any(_json_eq(value, e) for e in schema["enum"]):
        allowed = ", ".join(json.dumps(e) for e in schema["enum"])
        errors.append(f"{_show(path)}: must be one of {allowed}; got {_brief(value)}")
    if _is_number(value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{_show(path)}: must be >= {schema['minimum']}; got {_brief(value)}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{_show(path)}: must be <= {schema['maximum']}; got {_brief(value)}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{_show(path)}: must be at least {schema['minLength']} character(s) long; got {_brief(value)}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{_show(path)}: must be at most {schema['maxLength']} characters long; got {len(value)}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{_show(path)}: must match {schema.get('x-pattern', schema['pattern'])}; got {_brief(value)}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{_show(path)}: must have at least {schema['minItems']} item(s); got {len(value)}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{_show(path)}: must have at most {schema['maxItems']} items; got {len(value)}")
        if schema.get("uniqueItems"):
            seen = {}
            for i, item in enumerate(value):
                c = _canon(item)
                if c in seen:
                    errors.append(f"{path}[{i}]: duplicate of {path}[{seen[c]}] (items must be unique)")
                else:
                    seen[c] = i
        if "items" in schema:
            for i, item in enumerate(value):
                _validate(item, schema["items"], f"{path}[{i}]", errors)
    if isinstance(value, dict):
        for k in schema.get("required", ()):
            if k not in value:
                errors.append(f"{_key(path, k)}: required key is missing")
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            errors.append(f"{_show(path)}: must have at least {schema['minProperties']} key(s)")
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            errors.append(f"{_show(path)}: must have at most {schema['maxProperties']} keys; got {len(value)}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                _validate(v, props[k], _key(path, k), errors)
            elif extra is False:
                allowed = ", ".join(props) or "none"
                why = ("the schema tolerates it but the agent does not use it" if schema.get("x-strict")
                       else "not allowed by the agent's schema")
                errors.append(f"{_key(path, k)}: unknown key ({why}; allowed: {allowed})")
            elif isinstance(extra, dict):
                _validate(v, extra, _key(path, k), errors)
    if "anyOf" in schema:
        failures = []
        for sub in schema["anyOf"]:
            e = []
            _validate(value, sub, path, e)
            if not e:
                break
            failures.append(e)
        else:
            msg = schema.get("x-message") or "must satisfy one of: " + " | ".join(
                "; ".join(_strip(x, path) for x in f) for f in failures)
            errors.append(f"{_show(path)}: {msg}")
    if "oneOf" in schema:
        typed = [s for s in schema["oneOf"] if "type" in s and _is_type(value, s["type"])]
        if len(typed) == 1:  # branches of different types: report the matching branch's errors
            _validate(value, typed[0], path, errors)
        else:
            passed = 0
            for sub in schema["oneOf"]:
                e = []
                _validate(value, sub, path, e)
                passed += not e
            if passed != 1:
                kinds = " or ".join(_TYPE_NAMES.get(s.get("type"), "?") for s in schema["oneOf"])
                errors.append(f"{_show(path)}: must be exactly one of: {kinds}; got {_json_type(value)}")
    for f in schema.get("x-checks", ()):
        f(value, path, errors)


def _strip(error, path):
    prefix = _show(path) + ": "
    return error[len(prefix):] if error.startswith(prefix) else error


def _brief(v):
    s = json.dumps(v)
    return s if len(s) <= 80 else s[:77] + "..."


# ---------------------------------------------------------------------------------------------
# Extra rules
# ---------------------------------------------------------------------------------------------

# Text CloudFormation or the CDK leaves when a value was not resolved before the script ran.
_TOKEN_TEXT = [
    (re.compile(r"\$\{Token\["), "${Token["),
    (re.compile(r"#\{Token\["), "#{Token["),
    (re.compile(r'\{\s*"Ref"'), '{"Ref"'),
    (re.compile(r"Fn::"), "Fn::"),
    (re.compile(r"\$\{AWS::"), "${AWS::"),
    (re.compile(r"\{\{resolve:"), "{{resolve:"),
]


def _tokens(value, path, errors):
    """Rule: no unresolved CloudFormation/CDK token anywhere (keys, strings, numbers)."""
    if isinstance(value, dict):
        for k, v in value.items():
            p = _key(path, k)
            if k == "Ref" or k.startswith("Fn::"):
                errors.append(f"{p}: unresolved CloudFormation intrinsic ({k!r} object left in the configuration)")
            else:
                for rx, label in _TOKEN_TEXT:
                    if rx.search(k):
                        errors.append(f"{p}: unresolved CloudFormation token in a key ({label})")
            _tokens(v, p, errors)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _tokens(v, f"{path}[{i}]", errors)
    elif isinstance(value, str):
        for rx, label in _TOKEN_TEXT:
            if rx.search(value):
                errors.append(f"{_show(path)}: unresolved CloudFormation token ({label}) in {_brief(value)}")
    elif isinstance(value, float) and value <= -1e288:  # CDK encodes number tokens as ~ -1.8881545897e+289
        errors.append(f"{_show(path)}: unresolved CDK number token ({value!r})")


def _absolute_path(value, path, errors):
    if not value.startswith("/"):
        errors.append(f"{_show(path)}: must be an absolute path; got {_brief(value)}")


def _mount_point(value, path, errors):
    if value != "*" and not value.startswith("/"):
        errors.append(f'{_show(path)}: must be "*" or an absolute mount point; got {_brief(value)}')


# Documented log group / stream name variables (see the module docstring).
PLACEHOLDERS = ("{instance_id}", "{hostname}", "{local_hostname}", "{ip_address}")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_GROUP_CHARS = re.compile(r"[A-Za-z0-9_\-/.#]*\Z")


def _without_placeholders(value, path, errors):
    for m in _PLACEHOLDER.finditer(value):
        if m.group(0) not in PLACEHOLDERS:
            errors.append(f"{_show(path)}: unknown placeholder {m.group(0)} in {_brief(value)} "
                          f"(the agent documents only {', '.join(PLACEHOLDERS)})")
    rest = _PLACEHOLDER.sub("", value)
    if "{" in rest or "}" in rest:
        errors.append(f"{_show(path)}: unbalanced brace in {_brief(value)}")
    return rest


def _has_token(value):
    return any(rx.search(value) for rx, _ in _TOKEN_TEXT)


def _log_group_name(value, path, errors):
    if _has_token(value):  # already reported by the token rule
        return
    rest = _without_placeholders(value, path, errors).replace("{", "").replace("}", "")
    if not _GROUP_CHARS.match(rest):
        bad = "".join(sorted(set(c for c in rest if not _GROUP_CHARS.match(c))))
        errors.append(f"{_show(path)}: log group names allow only a-z A-Z 0-9 _ - / . # (CreateLogGroup); "
                      f"found {bad!r} in {_brief(value)}")


def _log_stream_name(value, path, errors):
    if _has_token(value):
        return
    rest = _without_placeholders(value, path, errors)
    if ":" in rest or "*" in rest:
        errors.append(f"{_show(path)}: log stream names may not contain ':' or '*' (CreateLogStream); got {_brief(value)}")


_LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS")


def _log_group_class(value, path, errors):
    if value.upper() not in _LOG_GROUP_CLASSES:
        errors.append(f"{_show(path)}: must be STANDARD or INFREQUENT_ACCESS (any case; the agent ignores "
                      f"other values); got {_brief(value)}")


# "encoding": the values the agent documents (CloudWatch-Agent-Configuration-File-Details, logs section).
ENCODINGS = ("ascii big5 euc-jp euc-kr gbk gb18030 ibm866 iso2022-jp iso8859-2 iso8859-3 iso8859-4 "
             "iso8859-5 iso8859-6 iso8859-7 iso8859-8 iso8859-8-i iso8859-10 iso8859-13 iso8859-14 "
             "iso8859-15 iso8859-16 koi8-r koi8-u macintosh shift_jis utf-8 utf-16 windows-874 "
             "windows-1250 windows-1251 windows-1252 windows-1253 windows-1254 windows-1255 windows-1256 "
             "windows-1257 windows-1258 x-mac-cyrillic").split()


def _encoding(value, path, errors):
    if value.lower() not in ENCODINGS:
        errors.append(f"{_show(path)}: not an encoding the agent documents; got {_brief(value)}")


def _collect_list(entries, path, errors):
    """Rule: one retention_in_days and one log_group_class per log group (validate_fields.go)."""
    retention, klass = {}, {}
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("log_group_name"), str):
            continue
        group = e["log_group_name"].lower()
        r = e.get("retention_in_days")
        if _is_type(r, "integer") and r >= 1:
            if group in retention and retention[group][1] != r:
                j, first = retention[group]
                errors.append(f"{path}[{i}].retention_in_days: {r!r} conflicts with {first!r} at {path}[{j}] "
                              f"for log group {e['log_group_name']!r} (the agent fails)")
            retention.setdefault(group, (i, r))
        c = e.get("log_group_class")
        if isinstance(c, str) and c in _LOG_GROUP_CLASSES:
            if group in klass and klass[group][1] != c:
                j, first = klass[group]
                errors.append(f"{path}[{i}].log_group_class: {c!r} conflicts with {first!r} at {path}[{j}] "
                              f"for log group {e['log_group_name']!r} (the agent fails)")
            klass.setdefault(group, (i, c))


# Documented measurement names (module docstring); "shared" is accepted by the agent on Linux.
MEASUREMENTS = {
    "mem": ("active", "available", "available_percent", "buffered", "cached", "free", "inactive",
            "shared", "total", "used", "used_percent"),
    "disk": ("free", "total", "used", "used_percent", "inodes_free", "inodes_used", "inodes_total"),
}

# CloudWatch metric units (PutMetricData MetricDatum.Unit).
UNITS = ("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
         "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
         "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
         "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
         "Count/Second", "None")


def _measurement(plugin):
    def check(items, path, errors):
        if not items:
            errors.append(f"{_show(path)}: must list at least one metric (with none the agent drops the {plugin} plugin)")
        seen = {}
        for i, item in enumerate(items):
            p = f"{path}[{i}]"
            if isinstance(item, dict):
                for k in item:
                    if k not in ("name", "rename", "unit"):
                        errors.append(f"{_key(p, k)}: unknown key (the agent ignores it; allowed: name, rename, unit)")
                if "name" not in item:
                    errors.append(f"{p}.name: required key is missing (the agent requires it)")
                if isinstance(item.get("unit"), str) and item["unit"] not in UNITS:
                    errors.append(f"{p}.unit: not a CloudWatch unit; got {_brief(item['unit'])}")
                name, p = item.get("name"), f"{p}.name"
            else:
                name = item
            if not isinstance(name, str) or not name:  # wrong type or empty: reported by the schema
                continue
            short = name[len(plugin) + 1:] if name.startswith(plugin + "_") else name
            if short not in MEASUREMENTS[plugin]:
                errors.append(f"{p}: {name!r} is not a {plugin} metric (valid: {', '.join(MEASUREMENTS[plugin])}, "
                              f"optionally prefixed {plugin}_)")
            elif short in seen:
                errors.append(f"{p}: {name!r} repeats {path}[{seen[short]}] ({plugin}_{short})")
            else:
                seen[short] = i
    return check


# metrics.append_dimensions: the only pairs the agent uses (docs; plugins/processors/ec2tagger/config.go).
EC2_DIMENSIONS = {
    "ImageId": "${aws:ImageId}",
    "InstanceId": "${aws:InstanceId}",
    "InstanceType": "${aws:InstanceType}",
    "AutoScalingGroupName": "${aws:AutoScalingGroupName}",
}


def _ec2_dimensions(value, path, errors):
    for k, v in value.items():
        if EC2_DIMENSIONS.get(k) != v:
            pairs = ", ".join(f'"{a}": "{b}"' for a, b in EC2_DIMENSIONS.items())
            errors.append(f"{_key(path, k)}: the agent ignores this pair; metrics.append_dimensions takes only {pairs}")


def _namespace(value, path, errors):
    if value.startswith("AWS/") or value.startswith(":"):
        errors.append(f'{_show(path)}: a custom namespace may not begin with "AWS/" or ":" (PutMetricData); got {_brief(value)}')


# ---------------------------------------------------------------------------------------------
# The schema subset (translator/config/schema.json @ ab55b8d), encoded by hand
# ---------------------------------------------------------------------------------------------

def _string(lo=None, hi=None, **more):
    s = {"type": "string", **more}
    if lo is not None:
        s["minLength"] = lo
    if hi is not None:
        s["maxLength"] = hi
    return s


_BOOL = {"type": "boolean"}
# timeIntervalDefinition
_INTERVAL = {"type": "integer", "minimum": 1, "maximum": 172800}
# credentialsDefinition
_CREDENTIALS = {
    "type": "object",
    "properties": {
        "role_arn": {"type": "string", "maxLength": 2048,
                     "anyOf": [{"minLength": 20},
                               # schema: "^\\$\\{.+\\}$"; \Z for Go's $ (Python's $ also matches before a final \n)
                               {"pattern": r"^\$\{.+\}\Z", "x-pattern": r"^\$\{.+\}$"}],
                     "x-message": "must be at least 20 characters long (an ARN) or a ${...} placeholder"},
    },
    "additionalProperties": False,
}
# endpointOverrideDefinition
_ENDPOINT = _string(4, 2048)
# generalAppendDimensionsDefinition
_APPEND_DIMENSIONS = {"type": "object", "maxProperties": 30, "additionalProperties": _string(1, 1024)}
_SERVICE_NAME = _string(1, 255)
_DEPLOYMENT_ENV = _string(1, 259)

# agentDefinition (additionalProperties: true in the schema; strict here)
_AGENT = {
    "type": "object",
    "properties": {
        # --- in the schema
        "metrics_collection_interval": _INTERVAL,
        "logfile": _string(None, 4096),
        "region": _string(1, 64),
        "debug": _BOOL,
        "aws_sdk_log_level": _string(),
        "credentials": _CREDENTIALS,
        "omit_hostname": _BOOL,
        "service.name": _SERVICE_NAME,
        "deployment.environment": _DEPLOYMENT_ENV,
        # --- not in the schema, read by translator/translate/agent (types as the translator uses them)
        "run_as_user": _string(1),  # documented (agent section)
        "use_dualstack_endpoint": _BOOL,
        "internal": _BOOL,
        "usage_metadata": {"type": "array"},
        "hostname": _string(),
        "collection_jitter": _string(),
        "flush_interval": _string(),
        "flush_jitter": _string(),
        "precision": _string(),
        "metric_batch_size": {"type": "integer", "minimum": 1},
        "metric_buffer_limit": {"type": "integer", "minimum": 1},
        "quiet": _BOOL,
        "round_interval": _BOOL,
    },
    "additionalProperties": False,
    "x-strict": True,
}

# logsDefinition/definitions/filterDefinition
_FILTER = {
    "type": "object",
    "properties": {"type": {"type": "string", "enum": ["include", "exclude"]},
                   "expression": {"type": "string"}},
    "additionalProperties": False,
    # extra: the translator drops a filter without both ("Filter ... is invalid")
    "required": ["type", "expression"],
}
# logGroupNameDefinition, logStreamNameDefinition, logGroupClassDefinition, retentionInDaysDefinition
_LOG_GROUP_NAME = _string(1, 512, **{"x-checks": [_log_group_name]})
_LOG_STREAM_NAME = _string(1, 512, **{"x-checks": [_log_stream_name]})
_LOG_GROUP_CLASS = _string(1, 512, **{"x-checks": [_log_group_class]})
_RETENTION = {"type": "integer", "enum": [-1, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                                          1096, 1827, 2192, 2557, 2922, 3288, 3653]}
_S4096 = _string(1, 4096)

# logsDefinition/definitions/logsFilesDefinition
_FILES = {
    "type": "object",
    "properties": {
        "collect_list": {
            "type": "array",
            "minItems": 1,
            "maxItems": 16384,
            "uniqueItems": True,
            "items": {
                "type": "object",
                "properties": {
                    "file_path": _string(None, 4096, **{"x-checks": [_absolute_path]}),
                    "log_group_name": _LOG_GROUP_NAME,
                    "log_stream_name": _LOG_STREAM_NAME,
                    "log_group_class": _LOG_GROUP_CLASS,
                    "multi_line_start_pattern": _S4096,
                    "timestamp_format": _S4096,
                    "timezone": {"type": "string", "enum": ["Local", "LOCAL", "UTC"]},
                    "trim_timestamp": _BOOL,
                    "encoding": _string(1, 4096, **{"x-checks": [_encoding]}),
                    "auto_removal": _BOOL,
                    "backpressure_mode": {"type": "string", "enum": ["fd_release"]},
                    "blacklist": _S4096,
                    "publish_multi_logs": _BOOL,
                    "retention_in_days": _RETENTION,
                    "filters": {"type": "array", "items": _FILTER},
                    "service.name": _SERVICE_NAME,
                    "deployment.environment": _DEPLOYMENT_ENV,
                },
                "required": ["file_path"],
                "additionalProperties": False,
            },
            "x-checks": [_collect_list],
        },
    },
    "required": ["collect_list"],
    "additionalProperties": False,
}

_NOT_COVERED = ("not covered by cwagent_check (the schema allows it; encode it in tools/boot-test/"
                "cwagent_check.py before using it)")

# logsDefinition
_LOGS = {
    "type": "object",
    "properties": {
        "logs_collected": {
            "type": "object",
            "properties": {
                "files": _FILES,
                "windows_events": {"x-unsupported": _NOT_COVERED},
                "journald": {"x-unsupported": _NOT_COVERED},
                "application_signals": {"x-unsupported": _NOT_COVERED},
            },
            "minProperties": 1,
            "additionalProperties": False,
        },
        "metrics_collected": {"x-unsupported": _NOT_COVERED},
        "log_stream_name": _LOG_STREAM_NAME,
        "force_flush_interval": _INTERVAL,
        "credentials": _CREDENTIALS,
        "endpoint_override": _ENDPOINT,
        "service.name": _SERVICE_NAME,
        "deployment.environment": _DEPLOYMENT_ENV,
        "concurrency": {"type": "integer", "minimum": 1},
    },
    "additionalProperties": False,
    "anyOf": [{"required": ["logs_collected"]}, {"required": ["metrics_collected"]}],
    "x-message": "must contain logs_collected or metrics_collected",
}


# metricsDefinition/definitions/metricsMeasurementDefinition
def _measurements(plugin):
    return {
        "type": "array",
        "uniqueItems": True,
        "items": {"oneOf": [
            _string(1, 255),
            {"type": "object", "properties": {"name": _string(1, 255), "rename": _string(1, 255),
                                              "unit": _string(1, 256)}},
        ]},
        "x-checks": [_measurement(plugin)],
    }


# basicMetricDefinition (+ basicResourcesDefinition and the disk-only keys for diskDefinitions).
# No additionalProperties in the schema; strict here.
def _plugin(name, **more):
    return {
        "type": "object",
        "properties": {
            "metrics_collection_interval": _INTERVAL,
            "append_dimensions": _APPEND_DIMENSIONS,
            "measurement": _measurements(name),
            # read from any plugin by translator/translate/metrics/drop_origin (schema shape of collectd's)
            "drop_original_metrics": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
            **more,
        },
        "required": ["measurement"],
        "additionalProperties": False,
        "x-strict": True,
    }


_MEM = _plugin("mem")  # memDefinitions = basicMetricDefinition
_DISK = _plugin(  # diskDefinitions
    "disk",
    resources={"type": "array", "maxItems": 256,
               "items": _string(1, 4096, **{"x-checks": [_mount_point]})},
    ignore_file_system_types={"type": "array", "maxItems": 256, "items": _string(1, 4096)},
    drop_device=_BOOL,
)

# metricsDefinition.metrics_collected: other plugins of the schema are not covered; any other name
# is a Windows performance-counter object in the schema (basicMetricDefinition), meaningless on Linux.
_OTHER_PLUGINS = ("collectd", "cpu", "diskio", "efa", "statsd", "swap", "net", "netstat", "processes",
                  "procstat", "ethtool", "nvidia_smi", "jmx", "otlp", "prometheus")
_METRICS_COLLECTED = {
    "type": "object",
    "properties": {"mem": _MEM, "disk": _DISK, **{p: {"x-unsupported": _NOT_COVERED} for p in _OTHER_PLUGINS}},
    "minProperties": 1,
    "additionalProperties": False,
    "x-strict": True,
}

_METRICS = {
    "type": "object",
    "properties": {
        "namespace": _string(1, 255, **{"x-checks": [_namespace]}),
        "aggregation_dimensions": {
            "type": "array", "uniqueItems": True, "minItems": 1, "maxItems": 1024,
            "items": {"type": "array", "uniqueItems": True, "maxItems": 30, "items": _string(1, 1024)},
        },
        "append_dimensions": {"type": "object", "maxProperties": 30, "additionalProperties": _string(1, 1024),
                              "x-checks": [_ec2_dimensions]},
        "metrics_destinations": {
            "type": "object",
            "properties": {
                "cloudwatch": {},
                "amp": {"type": "object", "properties": {"workspace_id": _string(1, 255)},
                        "required": ["workspace_id"], "additionalProperties": False},
            },
            "minProperties": 1,
            "additionalProperties": False,
        },
        "metrics_collected": _METRICS_COLLECTED,
        "force_flush_interval": _INTERVAL,
        "credentials": _CREDENTIALS,
        "endpoint_override": _ENDPOINT,
        "service.name": _string(1, 4096),
        "deployment.environment": _string(1, 4096),
    },
    "additionalProperties": False,
    "required": ["metrics_collected"],
}

# Root (additionalProperties: true in the schema; strict here).
SCHEMA = {
    "type": "object",
    "properties": {
        "agent": _AGENT,
        "metrics": _METRICS,
        "logs": _LOGS,
        "traces": {"x-unsupported": _NOT_COVERED},
        "opentelemetry": {"x-unsupported": _NOT_COVERED},
    },
    "additionalProperties": False,
    "x-strict": True,
}


# ---------------------------------------------------------------------------------------------
# API and command line
# ---------------------------------------------------------------------------------------------

def check(config: dict) -> list[str]:
    """Every error in an agent configuration (parsed JSON), each "json.path: message"; [] if valid."""
    errors: list[str] = []
    _tokens(config, "", errors)
    _validate(config, SCHEMA, "", errors)
    return errors


def load(path: str):
    """(config, errors) for a JSON file: strict JSON (no duplicate keys, no NaN/Infinity)."""
    errors = []

    def pairs(items):
        seen = {}
        for k, v in items:
            if k in seen:
                errors.append(f"{json.dumps(k)}: duplicate key in one object (JSON parsers keep only one)")
            seen[k] = v
        return seen

    def constant(name):
        raise ValueError(f"{name} is not JSON")

    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f, object_pairs_hook=pairs, parse_constant=constant)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return None, [f"(file): cannot read JSON: {e}"]
    return config, errors


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: cwagent_check.py FILE.json", file=sys.stderr)
        return 2
    config, errors = load(argv[0])
    if config is not None:
        errors += check(config)
    if errors:
        for e in errors:
            print(e)
        return 1
    print(f"ok: {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
