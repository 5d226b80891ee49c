"""The deploy files (Dockerfile, deploy/compose.yaml, deploy/k8s/) agree with the code.

Every service runs with replicas, every setting the code reads reaches every process, and every command
they run exists. Adding a ``${NAME:...}`` to deploy/config.yaml or an ``os.environ`` read to the code
without setting it in the deploy files (or listing it in DEFAULTED with a reason) fails here.
"""
import importlib
import json
import re
import shlex
import tomllib
from importlib.metadata import entry_points

import pytest
import yaml

from application.cli import build_parser
from shared.config import CONFIG_PATH, REPO_ROOT, SERVICES
from shared.installation import SIGNING_KEYS, unusable_reason

DEPLOY = REPO_ROOT / "deploy"
K8S = DEPLOY / "k8s"
PROCESSES = (*SERVICES, "gateway")
# Settings the deploy files leave at deploy/config.yaml's default on purpose, and why.
DEFAULTED = {
    "GATEWAY_DB_URL": "each gateway replica keeps its read model in SQLite on its own volume (gateway.yaml)",
    # Each container runs one gateway process, its HTTP service and its projector together (one
    # `nameko run` of both): one HTTP worker per replica, and the projector's default batches.
    "GATEWAY_HTTP_WORKERS": "one HTTP worker per gateway container; scale with replicas",
    "PROJECTOR_BATCH_EVENTS": "the default batch fits every deployment",
    "PROJECTOR_BATCH_SECONDS": "the default batch fits every deployment",
    "PROMETHEUS_MULTIPROC_DIR": "set by the launcher for the processes of one gateway; a container is one process",
}
# Settings that carry passwords or keys: in the k8s Secret, never in the ConfigMap.
SECRET = re.compile(r"^(.*_SECRET|AMQP_URI|.*_DB_URL)$")
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*):")
ENV_READ = re.compile(r"""os\.(?:environ\.get\(|getenv\(|environ\[)\s*["']([A-Z][A-Z0-9_]*)["']""")
CONFIG_READ = re.compile(r"""\bconfig(?:\.get\(|\[)\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")


def code_files():
    """What runs in a deployment: not the running-network helper of the tests and benchmarks."""
    return [path for folder in ("application", "shared", "services") for path in (REPO_ROOT / folder).rglob("*.py")
            if path != REPO_ROOT / "application" / "running.py"]


def config_variables():
    lines = CONFIG_PATH.read_text(encoding="utf-8").splitlines()
    return set(PLACEHOLDER.findall("\n".join(line for line in lines if not line.lstrip().startswith("#"))))


def code_variables():
    return {name for path in code_files() for name in ENV_READ.findall(path.read_text(encoding="utf-8"))}


def dockerfile():
    return (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")


def image_environment():
    """Names the Dockerfile sets with ENV (they reach every container of the image)."""
    lines = re.findall(r"^ENV (.+?)(?<!\\)$", dockerfile(), flags=re.M | re.S)
    return dict(re.findall(r"([A-Z_]+)=(\S+)", " ".join(lines)))


class LiteralLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                    yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """YAML's safe loader as PyYAML ships it: nameko adds a resolver to ``yaml.SafeLoader`` itself that
    substitutes ``${NAME:default}``, which would hide what Compose is actually given."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


def literal_yaml(text):
    return yaml.load(text, Loader=LiteralLoader)  # noqa: S506  (LiteralLoader constructs safe types only)


def compose():
    return literal_yaml((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def k8s_documents():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    return [document for name in kustomization["resources"]
            for document in yaml.load_all((K8S / name).read_text(encoding="utf-8"), Loader=LiteralLoader)
            if document]


def k8s_kind(kind):
    return [document for document in k8s_documents() if document["kind"] == kind]


def workloads():
    """``{component: Deployment or StatefulSet}`` of the network's own processes."""
    return {document["metadata"]["name"]: document for document in k8s_documents()
            if document["kind"] in ("Deployment", "StatefulSet")}


def required_variables():
    return (config_variables() | code_variables()) - set(DEFAULTED) - set(image_environment())


def test_every_config_key_the_code_reads_is_in_config_yaml():
    keys = set(literal_yaml(CONFIG_PATH.read_text(encoding="utf-8")))
    read = {(name, path.relative_to(REPO_ROOT)) for path in code_files()
            for name in CONFIG_READ.findall(path.read_text(encoding="utf-8"))}
    missing = sorted(f"{name} (читает {path})" for name, path in read if name not in keys)
    assert not missing, "нет в deploy/config.yaml: " + ", ".join(missing)


def test_every_setting_is_set_in_compose_and_in_the_k8s_configmap_or_secret():
    services = compose()["services"]
    config_map = {key for document in k8s_kind("ConfigMap") for key in document["data"]}
    secret = {key for document in k8s_kind("Secret") for key in document.get("stringData", {})}
    missing = []
    for name in sorted(required_variables()):
        lacking = [service for service in (*PROCESSES, "migrate")
                   if name not in services[service].get("environment", {})]
        if lacking:
            missing.append(f"{name}: нет в deploy/compose.yaml (environment сервисов {', '.join(lacking)})")
        if name not in config_map | secret:
            missing.append(f"{name}: нет в deploy/k8s/configmap.yaml (ConfigMap) и deploy/k8s/secret.yaml (Secret)")
        elif SECRET.match(name) and name not in secret:
            missing.append(f"{name}: секретное значение должно быть в Secret, а не в ConfigMap")
    assert not missing, ("настройка не доведена до файлов развёртывания (или добавьте её в DEFAULTED "
                         "с причиной):\n" + "\n".join(missing))


def test_the_deliberately_defaulted_settings_still_exist():
    stale = set(DEFAULTED) - config_variables() - code_variables()
    assert not stale, f"DEFAULTED называет настройки, которых больше нет: {sorted(stale)}"


def test_the_repository_gives_no_signing_key():
    """A key anyone can read signs nothing: config.yaml leaves the keys empty (``practice-network run``
    generates them), compose refuses to start without them, the k8s Secret has none the code accepts."""
    text = CONFIG_PATH.read_text(encoding="utf-8")
    environment = compose()["services"]["gateway"]["environment"]
    secret = {key: value for document in k8s_kind("Secret") for key, value in document.get("stringData", {}).items()}
    for name in SIGNING_KEYS:
        assert f"{name}: ${{{name}:}}\n" in text, f"{name}: в deploy/config.yaml не должно быть значения"
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", environment[name]), f"compose: {name} обязателен"
        assert unusable_reason(name, secret[name]), f"k8s: {name} из Secret принимается как ключ"
    defaults = re.findall(r"\$\{[A-Z_]*(?:PASSWORD|SECRET)[A-Z_]*:-", (DEPLOY / "compose.yaml").read_text())
    assert not defaults, "compose: у паролей и ключей не должно быть значений по умолчанию"


@pytest.mark.parametrize("value", ["insecure-development-secret-change-me", "change-me-a-long-random-string",
                                   "", "short", "x" * 40, "my-production-secret-please-replace-it-now"])
def test_placeholders_and_short_values_are_not_keys(value):
    assert unusable_reason("JWT_SECRET", value)


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_runs_replicated_in_compose(process):
    service = compose()["services"].get(process)
    assert service is not None, f"в deploy/compose.yaml нет сервиса {process}"
    assert service.get("deploy", {}).get("replicas", 1) >= 2, f"compose: у {process} меньше двух реплик"
    assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_publishes_the_gateway_on_8000_and_brings_its_broker_and_database():
    services = compose()["services"]
    assert services["rabbitmq"]["image"].startswith("rabbitmq:3-management")
    assert services["postgres"]["image"].startswith("postgres:")
    published = [port for service in services.values() for port in service.get("ports", [])]
    assert "8000:8000" in published
    proxy = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "http://gateway:8000" in proxy
    body_limit = int(re.search(r"client_max_body_size (\d+)m;", proxy).group(1))
    upload_limits = {int(re.search(r"MAX_UPLOAD_MB:(\d+)", CONFIG_PATH.read_text()).group(1)),
                     int(compose()["x-environment"]["MAX_UPLOAD_MB"])}
    assert upload_limits == {body_limit}, "client_max_body_size nginx и MAX_UPLOAD_MB шлюза расходятся"


def test_nginx_answers_a_too_large_body_in_the_json_error_shape():
    proxy = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"error_page 413 @too_large;", proxy)
    location = re.search(r"location @too_large \{(.*?)\n    \}", proxy, re.S).group(1)
    assert 'default_type "application/json; charset=utf-8";' in location
    body = json.loads(re.search(r"return 413 '(.*)';", location).group(1))
    assert body["error"]["code"] == "payload_too_large" and body["error"]["fields"]
    assert "МБ" in body["error"]["message"]


def test_each_gateway_replica_has_a_read_model_of_its_own():
    assert "GATEWAY_DB_URL" not in compose()["services"]["gateway"]["environment"]
    gateway = workloads()["gateway"]
    assert gateway["kind"] == "StatefulSet"
    claims = [claim["metadata"]["name"] for claim in gateway["spec"]["volumeClaimTemplates"]]
    mounts = {mount["name"]: mount["mountPath"] for mount in container(gateway, "gateway")["volumeMounts"]}
    config_map = k8s_kind("ConfigMap")[0]["data"]
    assert mounts[claims[0]] == config_map["VAR_DIR"], "том модели чтения должен быть VAR_DIR пода"


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_is_a_replicated_k8s_workload_with_the_configmap_and_secret(process):
    workload = workloads().get(process)
    assert workload is not None, f"в deploy/k8s нет Deployment (или StatefulSet) {process}"
    assert workload["kind"] == ("StatefulSet" if process == "gateway" else "Deployment")
    assert workload["spec"]["replicas"] >= 2
    sources = {next(iter(source)): next(iter(source.values()))["name"]
               for source in container(workload, process)["envFrom"]}
    assert sources == {"configMapRef": k8s_kind("ConfigMap")[0]["metadata"]["name"],
                       "secretRef": "practice-network-secrets"}


def test_the_gateway_service_reaches_ready_gateway_pods():
    gateway = workloads()["gateway"]
    probe = container(gateway, "gateway")["readinessProbe"]["httpGet"]
    assert probe["path"] == "/health"
    services = {document["metadata"]["name"]: document for document in k8s_kind("Service")}
    labels = gateway["spec"]["template"]["metadata"]["labels"]
    assert services["gateway"]["spec"].get("clusterIP") != "None"
    assert services["gateway"]["spec"]["selector"].items() <= labels.items()
    assert gateway["spec"]["serviceName"] in services


def test_rabbitmq_and_postgresql_come_from_their_operators():
    assert k8s_kind("RabbitmqCluster"), "RabbitMQ должен разворачиваться оператором (RabbitmqCluster)"
    clusters = [doc for doc in k8s_kind("Cluster") if doc["apiVersion"].startswith("postgresql.cnpg.io/")]
    assert clusters, "PostgreSQL должен разворачиваться CloudNativePG (Cluster)"
    databases = {clusters[0]["spec"]["bootstrap"]["initdb"]["database"]}
    databases |= {doc["spec"]["name"] for doc in k8s_kind("Database")}
    assert databases == set(SERVICES)
    assert set(workloads()) == set(PROCESSES), "кроме процессов сети, рабочих нагрузок своих быть не должно"
    assert k8s_kind("Job")[0]["spec"]["template"]["spec"]["containers"][0]["command"][:2] == \
        ["practice-network", "migrate"]


def test_the_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    present = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


def commands():
    """Every command the deploy files run, as argument lists (``sh -c "a && exec b"`` gives two)."""
    found = [service["command"] for service in compose()["services"].values() if "command" in service]
    for document in k8s_documents():
        template = document.get("spec", {}).get("template", {}).get("spec", {})
        for item in template.get("initContainers", []) + template.get("containers", []):
            if "command" in item:
                found.append(item["command"])
    split = []
    for command in found:
        if command[:2] == ["sh", "-c"]:
            split += [shlex.split(part.strip().removeprefix("exec ")) for part in command[2].split("&&")]
        else:
            split.append(command)
    return split


def test_every_command_runs_an_entrypoint_that_exists():
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    config_in_image = image_environment()["PRACTICE_NETWORK_CONFIG"]
    assert f"COPY deploy/config.yaml {config_in_image}" in dockerfile()
    started = set()
    for command in commands():
        if command[0] == "practice-network":
            assert scripts["practice-network"] == "application.cli:main"
            build_parser().parse_args(command[1:])  # an unknown command or option exits here
        else:
            assert command[:4] == ["nameko", "run", "--config", config_in_image], command
            assert any(point.name == "nameko" for point in entry_points(group="console_scripts"))
            module, _, class_name = command[4].partition(":")
            service = getattr(importlib.import_module(module), class_name)
            started.add(service.name)
    assert started == set(PROCESSES)


def test_the_image_holds_every_package_pyproject_installs():
    packages = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    for pattern in packages["include"]:
        package = pattern.rstrip("*")
        assert f"COPY {package} /src/{package}" in dockerfile(), f"the Dockerfile does not copy {package}/"


def container(workload, name):
    return next(item for item in workload["spec"]["template"]["spec"]["containers"] if item["name"] == name)
