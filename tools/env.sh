# Sourced by every tool script: quiet, offline-friendly settings for the CDK CLI and jsii.
# shellcheck shell=bash
export CDK_DISABLE_CLI_TELEMETRY=true           # otherwise the CLI tries DNS on every run
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export JSII_DEPRECATED=quiet
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NUGET_CERT_REVOCATION_MODE="${NUGET_CERT_REVOCATION_MODE:-offline}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
export PATH="$REPO_ROOT/node_modules/.bin:$PATH"
