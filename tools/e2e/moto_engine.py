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
"""
import json
import sys
from typing import Any

from moto.autoscaling.models import FakeAutoScalingGroup, autoscaling_backends
from moto.cloudwatch.models import Dimension, Metric, MetricDataQuery, MetricStat, cloudwatch_backends
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


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
