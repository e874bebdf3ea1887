"""moto_server with CloudFormation gaps of moto 5.2.1 closed, for tools/e2e/run.

Usage: python3 tools/e2e/moto_engine.py -H 127.0.0.1 -p PORT   (the arguments of moto_server)

Everything else is moto's own code; docs/e2e.md lists what moto exercises and what it cannot.

1. AWS::SecretsManager::Secret. moto 5.2.1 has a Secrets Manager API but no CloudFormation handler for AWS::SecretsManager::Secret:
it logs "No Moto CloudFormation support for AWS::SecretsManager::Secret", creates nothing, and
every `Ref` to the secret resolves to nothing. The web stack's instance-role policies grant
secretsmanager:GetSecretValue on `Ref AppSecret`, so the policy loses its Resource and moto's IAM
rejects the whole stack ("Policy statement must contain resources"). Rather than deploy a
different template than AWS gets, this launcher teaches moto the one resource type: the secret is
created in moto's own Secrets Manager, with a value generated from GenerateSecretString (or the
given SecretString), and `Ref` returns its ARN, as on AWS. Every other type is moto's own; the
types moto still skips are listed in tools/e2e/run (EXPECTED_SKIPPED) and docs/e2e.md.

2. Updates of AWS::AutoScaling::AutoScalingGroup. moto replaces a group on every property change
(delete, then create under a new generated name), so a traffic flip, which only changes MinSize
and MaxSize, would look like a replaced group. CloudFormation updates a group in place and
replaces it only when AutoScalingGroupName changes (InstanceId aside, which the constructs never
set). The patch below does that: an in-place UpdateAutoScalingGroup through moto's own Auto Scaling
backend, plus target group attach/detach; a name change still takes moto's replace path.

3. Tags of AWS::KMS::Key. CloudFormation writes them as [{Key, Value}]; moto 5.2.1 passes them to
its KMS API unchanged, which expects [{TagKey, TagValue}], and fails with KeyError 'TagKey' (the
key is never created and every GetAtt to it is "undefined"). The patch converts the shape.

4. AWS::CloudWatch::Alarm and AWS::CloudWatch::CompositeAlarm. moto 5.2.1 has no CloudFormation
handler for either, and the dashboard's alarm widgets and the composite's rule read alarm ARNs
with GetAtt, so the stack would fail ("GetAtt references undefined resource"). A release driver
also reads the alarms (DescribeAlarms) and a test forces them (SetAlarmState), so a name alone is
not enough: the launcher creates each alarm in moto's own CloudWatch backend, through the code of
its PutMetricAlarm, with the template's metric, namespace, dimensions, statistic or Metrics list,
period, evaluation periods, threshold and comparison (a composite alarm with its rule); an update
overwrites the configuration and keeps the state, a new AlarmName replaces the alarm, and stack
deletion deletes it. Ref = name, GetAtt Arn = the ARN, as on AWS. A new alarm is INSUFFICIENT_DATA,
as on AWS. Nothing is evaluated: moto computes no alarm state from metrics.

5. GetAtt of ELBv2 names used by alarm dimensions: moto 5.2.1 raises for a target group's
TargetGroupFullName (no GetAtt support at all) and a load balancer's LoadBalancerFullName. The
patch derives both from the ARN exactly as AWS defines them (targetgroup/NAME/ID, app/NAME/ID).

6. UpdateStack with UsePreviousValue. moto remembers only the parameter values a caller passed, so
UsePreviousValue on a parameter that took its Default (every CDK stack's BootstrapVersion and SSM
image parameter: the CLI passes neither) fails with KeyError inside moto, an HTTP 500. On AWS the
previous value of such a parameter is its Default in the previous template. The patch resolves it
so, and refuses a key the previous template lacks with AWS's message.

7. Parameter changes that reach a resource only through a condition. For an update that keeps the
template and changes parameters (UsePreviousTemplate), moto updates only resources holding a
direct Ref to a changed parameter; a property chosen by Fn::If over a condition on that parameter
(and a resource's Condition) never sees the new value. CloudFormation re-evaluates conditions and
updates every resource whose resolved properties change. The patch adds the resources that use a
condition depending, directly or through other conditions, on a changed parameter. It also
compares a parameter never passed with its Default: moto counted it as changed on every update,
so the launch templates (which Ref the SSM image parameter) got a new version on every release
step while their groups kept the old one. And a resource whose own Condition turns true is
created, one whose Condition turns false is deleted, as CloudFormation does (moto did neither: the
scheduled actions of a serving color, which carry that condition, stayed as they were created;
moto could not even delete a scheduled action through CloudFormation, which the patch adds).

8. Scale-in of an Auto Scaling group with target groups. moto terminates the instances it removes
but leaves them registered: DescribeTargetHealth of a group scaled to zero still lists its
terminated instance as "healthy" (moto tells ELBv2 about terminations only for the EC2
TerminateInstances API). On AWS the group deregisters an instance it scales in, so a color scaled
to zero has no healthy target, which a release driver checks before it sends traffic. The patch
passes the group's removed instances to moto's own ELBv2 termination hook.

9. GetMetricData with a percentile, and dimension order. moto 5.2.1 knows only Sum, SampleCount,
Average, Minimum and Maximum: `Stat: "p99"` yields no value and its serializer fails (HTTP 500,
"TypeError: float() argument must be ... not 'NoneType'"). A release driver reads p99 latency. The
patch computes pNN as AWS defines it on the raw values of the period (PutMetricData Value, or
Values with Counts), by nearest rank; a statistic set (StatisticValues) counts only where AWS can
use one for percentiles (SampleCount 1, or Minimum == Maximum), and a period without usable values
has no datapoint, as on AWS. Other extended statistics (tm99, ...) stay unsupported: no
datapoints (no longer an HTTP 500). Also, moto
matched a query's dimensions only in the order they were put (its Dimension sort key compares a
value with a name), so a reader listing LoadBalancer before TargetGroup found nothing; the patch
sorts dimensions by (name, value). Known and not patched: when a query has dimensions, moto
ignores its namespace (no two namespaces here share a metric name and dimensions).

10. The API stack's types (Dev-Api, ApiGateway-Account). moto 5.2.1 creates nothing for
AWS::Lambda::Alias, AWS::ApiGateway::Stage, AWS::ApiGateway::RequestValidator and
AWS::ApiGateway::Account; its AWS::Lambda::Version has neither a Ref nor GetAtt Version and its
AWS::ApiGateway::Deployment no Ref (a Ref gave the Python object, and GetStage an HTTP 500); so the
stack fails at its first Lambda permission (KeyError 'FunctionName': the alias Ref resolved to
nothing). The patch creates each in moto's own Lambda and API Gateway backends: the alias with its
version (Ref = alias ARN; an update moves it in place), the request validator (Ref = id), the
account's CloudWatch role, and the stage (Ref = stage name) with its deployment, variables,
description, tracing, access log setting and canary setting (deployment, percent, stage-variable
overrides, stage cache), which moto's Stage lacks: GetStage shows them as `canarySettings`. An
update applies the new values in place; a CanarySetting left out of the template is kept, as
CloudFormation does (aws-cdk#33901, docs/api-canary.md). MethodSettings are not applied. Nothing
is invoked: running a function needs Docker.
"""
import json
import math
import re
import sys
from typing import Any

from moto.apigateway.models import Deployment, Stage, apigateway_backends
from moto.autoscaling.models import FakeAutoScalingGroup, FakeScheduledAction, autoscaling_backends
from moto.awslambda.models import LambdaVersion, lambda_backends
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.parsing import ResourceMap, get_references_from_template
from moto.cloudwatch.models import CloudWatchBackend, Dimension, Metric, MetricDataQuery, MetricStat, Statistics, cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup
from moto.kms.models import Key
from moto.secretsmanager.models import secretsmanager_backends


class CfnSecret(CloudFormationModel):
    """AWS::SecretsManager::Secret backed by moto's Secrets Manager. Ref = ARN."""

    # moto's model registry files every model under the second part of its module name.
    __module__ = "moto.secretsmanager.e2e"

    def __init__(self, arn: str, name: str, account_id: str, region_name: str):
        self.arn = arn
        self.name = name
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Id",)

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Id":
            return self.arn
        raise NotImplementedError(attribute_name)

    @staticmethod
    def _value(backend: Any, props: dict[str, Any]) -> str:
        if "SecretString" in props:
            return props["SecretString"]
        gen = props.get("GenerateSecretString") or {}
        password = backend.get_random_password(
            password_length=int(gen.get("PasswordLength", 32)),
            exclude_characters=gen.get("ExcludeCharacters", ""),
            exclude_numbers=bool(gen.get("ExcludeNumbers", False)),
            exclude_punctuation=bool(gen.get("ExcludePunctuation", False)),
            exclude_uppercase=bool(gen.get("ExcludeUppercase", False)),
            exclude_lowercase=bool(gen.get("ExcludeLowercase", False)),
            include_space=bool(gen.get("IncludeSpace", False)),
            require_each_included_type=bool(gen.get("RequireEachIncludedType", True)),
        )
        password = json.loads(password)["RandomPassword"]
        if "SecretStringTemplate" in gen and "GenerateStringKey" in gen:
            doc = json.loads(gen["SecretStringTemplate"])
            doc[gen["GenerateStringKey"]] = password
            return json.dumps(doc)
        return password

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "CfnSecret":
        props = cloudformation_json.get("Properties", {})
        backend = secretsmanager_backends[account_id][region_name]
        name = props.get("Name") or resource_name
        created = backend.create_secret(
            name=name,
            secret_string=cls._value(backend, props),
            secret_binary=None,
            description=props.get("Description"),
            tags=props.get("Tags"),
            kms_key_id=props.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        return cls(json.loads(created)["ARN"], name, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "CfnSecret",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "CfnSecret":
        # Description or tags only: the reference app never renames its secret. Keep the secret.
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        backend = secretsmanager_backends[account_id][region_name]
        backend.delete_secret(resource_name, None, True)


_moto_asg_update = FakeAutoScalingGroup.update_from_cloudformation_json.__func__


def _asg_update_in_place(
    cls: Any,
    original_resource: FakeAutoScalingGroup,
    new_resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
) -> FakeAutoScalingGroup:
    props = cloudformation_json["Properties"]
    if props.get("AutoScalingGroupName", original_resource.name) != original_resource.name:
        return _moto_asg_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)

    def number(key: str) -> int | None:
        return None if props.get(key) is None else int(props[key])

    backend = autoscaling_backends[account_id][region_name]
    group = backend.update_auto_scaling_group(
        name=original_resource.name,
        availability_zones=props.get("AvailabilityZones", []),
        desired_capacity=number("DesiredCapacity"),
        max_size=number("MaxSize"),
        min_size=number("MinSize"),
        launch_config_name=props.get("LaunchConfigurationName"),
        launch_template=props.get("LaunchTemplate", {}),
        vpc_zone_identifier=",".join(props.get("VPCZoneIdentifier", [])) or None,
        health_check_period=number("HealthCheckGracePeriod"),
        health_check_type=props.get("HealthCheckType"),
        new_instances_protected_from_scale_in=props.get("NewInstancesProtectedFromScaleIn"),
        mixed_instances_policy=props.get("MixedInstancesPolicy"),
    )
    old_groups = list(group.target_group_arns)
    new_groups = list(props.get("TargetGroupARNs", []))
    gone = [arn for arn in old_groups if arn not in new_groups]
    added = [arn for arn in new_groups if arn not in old_groups]
    if gone:
        backend.detach_load_balancer_target_groups(group.name, gone)
    if added:
        backend.attach_load_balancer_target_groups(group.name, added)
    return group


FakeAutoScalingGroup.update_from_cloudformation_json = classmethod(_asg_update_in_place)  # type: ignore[method-assign, assignment]

def _metric_queries(metrics: list[dict[str, Any]]) -> list[MetricDataQuery] | None:
    """A CloudFormation alarm's Metrics list as moto's PutMetricAlarm handler builds it."""
    if not metrics:
        return None
    queries = []
    for m in metrics:
        stat = m.get("MetricStat")
        metric_stat = None
        if stat:
            metric = stat.get("Metric", {})
            metric_stat = MetricStat(
                metric=Metric(
                    metric_name=metric.get("MetricName"),
                    namespace=metric.get("Namespace"),
                    dimensions=[Dimension(d.get("Name"), d.get("Value")) for d in metric.get("Dimensions", [])],
                ),
                period=stat.get("Period"),
                stat=stat.get("Stat"),
                unit=stat.get("Unit"),
            )
        queries.append(MetricDataQuery(
            query_id=m.get("Id"), label=m.get("Label"), period=m.get("Period"),
            return_data=m.get("ReturnData"), expression=m.get("Expression"), metric_stat=metric_stat,
        ))
    return queries


def _number(value: Any, kind: type) -> Any:
    return None if value is None else kind(float(value))


class CfnCompositeAlarm(CloudFormationModel):
    """AWS::CloudWatch::CompositeAlarm, created in moto's CloudWatch backend. Ref = name.

    The CloudFormation resource is this small handle (name, ARN); the alarm itself is moto's own
    Alarm, made by its PutMetricAlarm code path (a composite alarm is an Alarm with a rule there),
    so DescribeAlarms lists it and SetAlarmState changes it. moto evaluates nothing."""

    CFN_TYPE = "AWS::CloudWatch::CompositeAlarm"

    __module__ = "moto.cloudwatch.e2e"

    def __init__(self, name: str, account_id: str, region_name: str):
        self.name = name
        self.arn = f"arn:aws:cloudwatch:{region_name}:{account_id}:alarm:{name}"

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @classmethod
    def cloudformation_type(cls) -> str:  # type: ignore[override]
        return cls.CFN_TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Arn":
            return self.arn
        raise NotImplementedError(attribute_name)

    @staticmethod
    def _put(backend: Any, name: str, props: dict[str, Any]) -> Any:
        return backend.put_metric_alarm(
            name=name, namespace=None, metric_name=None, comparison_operator=None, evaluation_periods=None,
            period=None, threshold=None, statistic=None,
            description=props.get("AlarmDescription"), dimensions=[],
            alarm_actions=props.get("AlarmActions", []), ok_actions=props.get("OKActions", []),
            insufficient_data_actions=props.get("InsufficientDataActions", []),
            actions_enabled=props.get("ActionsEnabled", True), rule=props["AlarmRule"], tags=props.get("Tags"),
        )

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnCompositeAlarm":
        props = cloudformation_json.get("Properties", {})
        name = props.get("AlarmName") or resource_name
        alarm = cls._put(cloudwatch_backends[account_id][region_name], name, props)
        # A new alarm starts in INSUFFICIENT_DATA on AWS (moto's PutMetricAlarm says OK); nothing
        # evaluates it here, so it stays there until a test calls SetAlarmState.
        alarm.state_value = "INSUFFICIENT_DATA"
        return cls(name, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: "CfnCompositeAlarm", new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> "CfnCompositeAlarm":
        props = cloudformation_json.get("Properties", {})
        backend = cloudwatch_backends[account_id][region_name]
        name = props.get("AlarmName") or original_resource.name
        if name != original_resource.name:
            # A new AlarmName replaces the alarm on AWS: create the new one, then delete the old.
            new = cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
            backend.delete_alarms([original_resource.name])
            return new
        # Same name: PutMetricAlarm overwrites the configuration and, as on AWS, leaves the state.
        old = backend.alarms.get(name)
        alarm = cls._put(backend, name, props)
        if old is not None:
            for field in ("state_value", "state_reason", "state_reason_data", "state_updated_timestamp", "history"):
                setattr(alarm, field, getattr(old, field))
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([resource_name])


class CfnMetricAlarm(CfnCompositeAlarm, CloudFormationModel):  # listed directly: moto finds models via __subclasses__()
    """AWS::CloudWatch::Alarm, created in moto's CloudWatch backend with the template's metric,
    namespace, dimensions, statistic (or extended statistic, or Metrics list), period, evaluation
    periods, datapoints, threshold, comparison, missing-data treatment and actions. Ref = name."""

    __module__ = "moto.cloudwatch.e2emetric"
    CFN_TYPE = "AWS::CloudWatch::Alarm"

    @staticmethod
    def _put(backend: Any, name: str, props: dict[str, Any]) -> Any:
        return backend.put_metric_alarm(
            name=name,
            namespace=props.get("Namespace"),
            metric_name=props.get("MetricName"),
            metric_data_queries=_metric_queries(props.get("Metrics", [])),
            comparison_operator=props.get("ComparisonOperator"),
            evaluation_periods=_number(props.get("EvaluationPeriods"), int),
            datapoints_to_alarm=_number(props.get("DatapointsToAlarm"), int),
            period=_number(props.get("Period"), int),
            threshold=_number(props.get("Threshold"), float),
            threshold_metric_id=props.get("ThresholdMetricId"),
            statistic=props.get("Statistic"),
            extended_statistic=props.get("ExtendedStatistic"),
            description=props.get("AlarmDescription"),
            dimensions=props.get("Dimensions", []),
            unit=props.get("Unit"),
            treat_missing_data=props.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=props.get("EvaluateLowSampleCountPercentile"),
            alarm_actions=props.get("AlarmActions", []),
            ok_actions=props.get("OKActions", []),
            insufficient_data_actions=props.get("InsufficientDataActions", []),
            actions_enabled=props.get("ActionsEnabled", True),
            tags=props.get("Tags"),
        )


_lb_getatt = FakeLoadBalancer.get_cfn_attribute


def _lb_getatt_full_name(self: Any, attribute_name: str) -> Any:
    if attribute_name == "LoadBalancerFullName":
        return self.arn.split(":loadbalancer/", 1)[1]
    return _lb_getatt(self, attribute_name)


def _tg_getatt(self: Any, attribute_name: str) -> Any:
    if attribute_name == "TargetGroupFullName":
        return self.arn.rsplit(":", 1)[1]
    if attribute_name == "TargetGroupName":
        return self.name
    if attribute_name == "LoadBalancerArns":
        return list(self.load_balancer_arns)
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    raise UnformattedGetAttTemplateException()


FakeLoadBalancer.get_cfn_attribute = _lb_getatt_full_name  # type: ignore[method-assign]
FakeTargetGroup.get_cfn_attribute = _tg_getatt  # type: ignore[attr-defined]
FakeTargetGroup.has_cfn_attr = classmethod(lambda cls, attr: attr in ("TargetGroupFullName", "TargetGroupName", "LoadBalancerArns"))  # type: ignore[method-assign, assignment]

_kms_create = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _kms_create_with_cfn_tags(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    props = dict(cloudformation_json.get("Properties", {}))
    props["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in props.get("Tags", [])]
    return _kms_create(cls, resource_name, {**cloudformation_json, "Properties": props}, account_id, region_name, **kwargs)


Key.create_from_cloudformation_json = classmethod(_kms_create_with_cfn_tags)  # type: ignore[method-assign, assignment]


def _resolve_update_parameters_with_defaults(self: Any, instance: Any, incoming_params: list[dict[str, Any]]) -> dict[str, Any]:
    previous_template = (getattr(instance, "template_dict", None) or {}).get("Parameters", {})
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in incoming_params if "ParameterValue" in p}
    for p in incoming_params:
        key = p["ParameterKey"]
        if not p.get("UsePreviousValue", False):
            continue
        if key in instance.parameters:
            parameters[key] = instance.parameters[key]
        elif "Default" in previous_template.get(key, {}):
            parameters[key] = str(previous_template[key]["Default"])
        else:
            raise ValidationError(message=f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template")
    return parameters


CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters_with_defaults  # type: ignore[method-assign]


def _conditions_used(node: Any) -> set[str]:
    """Condition names a template fragment uses: Fn::If's first argument and {"Condition": name}."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::If" and isinstance(value, list) and value and isinstance(value[0], str):
                found.add(value[0])
            if key == "Condition" and isinstance(value, str):
                found.add(value)
            found |= _conditions_used(value)
    elif isinstance(node, list):
        for item in node:
            found |= _conditions_used(item)
    return found


def _resource_diff_through_conditions(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    old, new = self._resource_json_map, other_template["Resources"]
    actions: dict[str, list[str]] = {
        "Add": [name for name in new if name not in old],
        "Modify": [name for name in new if name in old and new[name] != old[name]],
        "Remove": [name for name in old if name not in new],
    }
    if not parameters:
        return actions
    # A parameter changed when its value differs from the previous one, which for a parameter never
    # passed is its Default (moto compared with the passed values only: every defaulted parameter,
    # e.g. the SSM image id, counted as changed and its launch templates got new versions).
    declared = self._template.get("Parameters", {})
    previous = {k: str(v.get("Default")) for k, v in declared.items() if "Default" in v}
    previous.update({k: str(v) for k, v in self.input_parameters.items()})
    changed = {k for k, v in parameters.items() if previous.get(k) != str(v)}
    conditions = other_template.get("Conditions", {})
    affected: set[str] = set()
    grew = True
    while grew:  # conditions on changed parameters, then conditions on those conditions
        grew = False
        for name, body in conditions.items():
            if name not in affected and (changed & set(get_references_from_template(body)) or affected & _conditions_used(body)):
                affected.add(name)
                grew = True
    for name in new:
        if name in old and new[name] == old[name]:
            # A resource's own Condition decides whether it exists, which _update_with_conditions
            # settles after the update; only its properties make it a modification.
            body = {k: v for k, v in new[name].items() if k != "Condition"}
            if changed & set(get_references_from_template(body)) or affected & _conditions_used(body):
                actions["Modify"].append(name)
    return actions


ResourceMap.build_resource_diff = _resource_diff_through_conditions  # type: ignore[method-assign]

_moto_resource_map_update = ResourceMap.update


def _update_with_conditions(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    _moto_resource_map_update(self, template, parameters)
    for name, resource in template["Resources"].items():
        if "Condition" not in resource:
            continue
        wanted, existing = self.lazy_condition_map[resource["Condition"]], self._parsed_resources.get(name)
        if wanted and existing is None:
            _ = self[name]  # created, as moto creates a resource on first use
        elif not wanted and existing is not None:
            self._delete_resource(existing, resource)
            del self._parsed_resources[name]


ResourceMap.update = _update_with_conditions  # type: ignore[method-assign]
# moto cannot delete an AWS::AutoScaling::ScheduledAction through CloudFormation (no handler): the
# stack's ResourceMap tries resource.delete(account, region) first.
FakeScheduledAction.delete = lambda self, account_id, region_name: autoscaling_backends[account_id][region_name].delete_scheduled_action(  # type: ignore[attr-defined]
    self.auto_scaling_group_name, self.scheduled_action_name)


_moto_set_desired_capacity = FakeAutoScalingGroup.set_desired_capacity


def _set_desired_capacity_deregistering(self: Any, new_capacity: int | None) -> None:
    before = {state.instance.id for state in self.instance_states}
    _moto_set_desired_capacity(self, new_capacity)
    removed = sorted(before - {state.instance.id for state in self.instance_states})
    if removed:
        self.autoscaling_backend.elbv2_backend.notify_terminate_instances(removed)


FakeAutoScalingGroup.set_desired_capacity = _set_desired_capacity_deregistering  # type: ignore[method-assign]


_moto_statistic = Statistics.get_statistics_for_type


def _statistic_with_percentiles(self: Any, stat: str) -> Any:
    match = re.fullmatch(r"p(\d+(?:\.\d+)?)", stat)
    if not match:
        return _moto_statistic(self, stat)
    values = list(self.metric_single_values_list)
    for agg in self.metric_aggregated_list:
        if agg.sample_count == 1 or agg.min == agg.max:
            values.extend([agg.min] * int(agg.sample_count))
    if not values:
        return None
    values.sort()
    rank = max(1, math.ceil(float(match.group(1)) / 100 * len(values)))
    return values[min(rank, len(values)) - 1]


Statistics.get_statistics_for_type = _statistic_with_percentiles  # type: ignore[method-assign]

_moto_get_metric_data = CloudWatchBackend.get_metric_data


def _get_metric_data_without_empty_points(self: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    results = _moto_get_metric_data(self, *args, **kwargs)
    for result in results:
        points = [(t, v) for t, v in zip(result["timestamps"], result["values"]) if v is not None]
        result["timestamps"], result["values"] = [t for t, _ in points], [v for _, v in points]
    return results


CloudWatchBackend.get_metric_data = _get_metric_data_without_empty_points  # type: ignore[method-assign]
Dimension.__lt__ = lambda self, other: (self.name or "", self.value or "") < (other.name or "", other.value or "")  # type: ignore[method-assign]


class _CfnHandle(CloudFormationModel):
    """A CloudFormation resource whose object lives in a moto backend: a physical id and attributes."""

    __module__ = "moto.e2e.handle"

    def __init__(self, physical_id: str, **attributes: Any):
        self.physical_id = physical_id
        self.attributes = attributes

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.attributes:
            return self.attributes[attribute_name]
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()


class CfnLambdaAlias(_CfnHandle, CloudFormationModel):
    """AWS::Lambda::Alias in moto's Lambda backend. Ref = alias ARN; updated in place, replaced on a new Name or function."""

    __module__ = "moto.awslambda.e2ealias"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnLambdaAlias":
        p = cloudformation_json["Properties"]
        alias = lambda_backends[account_id][region_name].create_alias(
            p["Name"], p["FunctionName"], str(p["FunctionVersion"]), p.get("Description", ""), p.get("RoutingConfig"))
        return cls(alias.arn, function_name=p["FunctionName"], name=p["Name"])

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: "CfnLambdaAlias", new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> "CfnLambdaAlias":
        p = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        old = original_resource.attributes
        if (p["Name"], p["FunctionName"]) != (old["name"], old["function_name"]):
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            backend.delete_alias(old["name"], old["function_name"])
            return new
        backend.update_alias(p["Name"], p["FunctionName"], str(p["FunctionVersion"]), p.get("Description", ""), p.get("RoutingConfig"))
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        p = cloudformation_json["Properties"]
        lambda_backends[account_id][region_name].delete_alias(p["Name"], p["FunctionName"])


_moto_version_create = LambdaVersion.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _version_create_with_ref(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    version = _moto_version_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    fn = lambda_backends[account_id][region_name].get_function(cloudformation_json["Properties"]["FunctionName"])
    version.function_arn = fn.function_arn.rsplit(":", 1)[0] if fn.function_arn.count(":") > 6 else fn.function_arn
    return version


LambdaVersion.create_from_cloudformation_json = classmethod(_version_create_with_ref)  # type: ignore[method-assign, assignment]
LambdaVersion.physical_resource_id = property(lambda self: f"{self.function_arn}:{self.version}")  # type: ignore[attr-defined]
LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Version", "FunctionArn"))  # type: ignore[method-assign, assignment]
LambdaVersion.get_cfn_attribute = lambda self, attr: str(self.version) if attr == "Version" else self.function_arn  # type: ignore[attr-defined]


class CfnRequestValidator(_CfnHandle, CloudFormationModel):
    """AWS::ApiGateway::RequestValidator in moto's API Gateway backend. Ref = validator id."""

    __module__ = "moto.apigateway.e2evalidator"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::RequestValidator"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnRequestValidator":
        p = cloudformation_json["Properties"]
        validator = apigateway_backends[account_id][region_name].create_request_validator(
            p["RestApiId"], p.get("Name") or resource_name, p.get("ValidateRequestBody", False), p.get("ValidateRequestParameters", False))
        return cls(validator.id, rest_api_id=p["RestApiId"])

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: "CfnRequestValidator", new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> "CfnRequestValidator":
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        apigateway_backends[account_id][region_name].delete_request_validator(cloudformation_json["Properties"]["RestApiId"], resource_name)


class CfnApiGatewayAccount(_CfnHandle, CloudFormationModel):
    """AWS::ApiGateway::Account: the account's CloudWatch role in moto's API Gateway backend."""

    __module__ = "moto.apigateway.e2eaccount"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::Account"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnApiGatewayAccount":
        role = cloudformation_json["Properties"].get("CloudWatchRoleArn")
        if role:
            apigateway_backends[account_id][region_name].update_account([{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}])
        return cls(resource_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: "CfnApiGatewayAccount", new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> "CfnApiGatewayAccount":
        cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        return None


def _canary_settings(canary: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cfn, api in (("DeploymentId", "deploymentId"), ("PercentTraffic", "percentTraffic"),
                     ("StageVariableOverrides", "stageVariableOverrides"), ("UseStageCache", "useStageCache")):
        if cfn in canary:
            out[api] = float(canary[cfn]) if cfn == "PercentTraffic" else canary[cfn]
    return out


_moto_stage_json = Stage.to_json


def _stage_json_with_canary(self: Any) -> dict[str, Any]:
    out = _moto_stage_json(self)
    if getattr(self, "canary_settings", None):
        out["canarySettings"] = self.canary_settings
    return out


Stage.to_json = _stage_json_with_canary  # type: ignore[method-assign]
# Ref of AWS::ApiGateway::Deployment is its id on AWS; moto's Deployment has no physical id, so a Ref
# returned the Python object (GetStage then failed: "Object of type Deployment is not JSON serializable").
Deployment.physical_resource_id = property(lambda self: self.id)  # type: ignore[attr-defined]


class CfnStage(_CfnHandle, CloudFormationModel):
    """AWS::ApiGateway::Stage in moto's API Gateway backend, with its canary setting. Ref = stage name."""

    __module__ = "moto.apigateway.e2estage"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::Stage"

    @staticmethod
    def _apply(stage: Any, p: dict[str, Any], creating: bool) -> None:
        stage.deployment_id = p.get("DeploymentId")
        stage.variables = dict(p.get("Variables", {}))
        stage.description = p.get("Description", "")
        stage.tracing_enabled = p.get("TracingEnabled")
        log = p.get("AccessLogSetting")
        stage.access_log_settings = {"destinationArn": log.get("DestinationArn"), "format": log.get("Format")} if log else None
        if "CanarySetting" in p:
            stage.canary_settings = _canary_settings(p["CanarySetting"])
        elif creating:
            stage.canary_settings = None
        # else: CloudFormation keeps a canary left out of the template (aws-cdk#33901).

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnStage":
        p = cloudformation_json["Properties"]
        name = p.get("StageName") or resource_name
        tags = {t["Key"]: t["Value"] for t in p.get("Tags", [])}
        stage = apigateway_backends[account_id][region_name].create_stage(
            p["RestApiId"], name, p.get("DeploymentId"), variables=dict(p.get("Variables", {})), description=p.get("Description", ""),
            cacheClusterEnabled=p.get("CacheClusterEnabled"), cacheClusterSize=p.get("CacheClusterSize"), tags=tags or None,
            tracing_enabled=p.get("TracingEnabled"))
        cls._apply(stage, p, creating=True)
        return cls(name, rest_api_id=p["RestApiId"])

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: "CfnStage", new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> "CfnStage":
        p = cloudformation_json["Properties"]
        name = p.get("StageName") or original_resource.physical_id
        backend = apigateway_backends[account_id][region_name]
        if (name, p["RestApiId"]) != (original_resource.physical_id, original_resource.attributes["rest_api_id"]):
            new = cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
            backend.delete_stage(original_resource.attributes["rest_api_id"], original_resource.physical_id)
            return new
        cls._apply(backend.get_stage(p["RestApiId"], name), p, creating=False)
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        apigateway_backends[account_id][region_name].delete_stage(cloudformation_json["Properties"]["RestApiId"], resource_name)


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
