"""The compose deployment, checked as far as a machine without a container engine allows:
the file parses, every service's command, port and setting exists in the code, and the
exact worker and gateway commands it runs work against a real Temporal server."""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pydantic import BaseModel
from temporalio.client import Client

from support.processes import free_port, running, wait_until_serving
from support.smtp import parts, running_smtp
from temporal_review.gateway import GatewaySettings
from temporal_review.worker import WorkerSettings
from temporal_review.worker.search_attributes import dev_server_flags

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
OURS = {"worker": WorkerSettings, "gateway": GatewaySettings}
TEMPORAL_ENV = {"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_PROFILE"}


def test_every_part_of_the_deployment_is_there_with_health_and_restarts() -> None:
    assert set(SERVICES) == {
        "postgresql",
        "temporal",
        "temporal-setup",
        "temporal-ui",
        "mailpit",
        "worker",
        "gateway",
    }
    assert SERVICES["temporal"]["environment"]["DB"] == "postgres12"
    assert SERVICES["temporal"]["image"].startswith("temporalio/")
    assert SERVICES["temporal-ui"]["image"].startswith("temporalio/ui")
    for name, service in SERVICES.items():
        assert "restart" in service, name
        if name != "temporal-setup":  # a one-shot job
            assert "healthcheck" in service or name == "temporal-ui", name
    # Worker and gateway are one image, two commands of the console script.
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["temporal-review"]' in dockerfile
    for part in ("workflows", "activities", "worker", "gateway"):
        assert f"COPY {part} ./{part}" in dockerfile
    assert SERVICES["worker"]["build"] == SERVICES["gateway"]["build"] == "."


def test_the_setup_job_registers_exactly_our_search_attributes() -> None:
    script = " ".join(SERVICES["temporal-setup"]["command"])
    registered = dict(re.findall(r"--name (\w+) --type (\w+)", script))
    flags = dev_server_flags()
    assert registered == dict(flag.split("=") for flag in flags[1::2])


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_setting_in_the_compose_file_exists_in_the_code(name: str) -> None:
    for variable in SERVICES[name]["environment"]:
        if variable in TEMPORAL_ENV:
            continue  # read by temporalio's environment configuration
        assert variable.startswith("TEMPORAL_REVIEW_"), variable
        path = variable.removeprefix("TEMPORAL_REVIEW_").lower().split("__")
        model: type[BaseModel] = OURS[name]
        for i, part in enumerate(path):
            assert part in model.model_fields, f"{name}: {variable} names no setting"
            if i + 1 < len(path):
                model = _nested_model(model.model_fields[part].annotation, variable)
    # And the values are valid: the settings load from exactly this environment.
    with pytest.MonkeyPatch.context() as patch:
        for variable, value in SERVICES[name]["environment"].items():
            patch.setenv(variable, str(value))
        OURS[name]()


def _nested_model(annotation: Any, variable: str) -> type[BaseModel]:
    """The model inside ``annotation`` (``Model`` or ``Model | None``)."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    raise AssertionError(f"{variable} goes inside a setting that is not a table")


def _command(service: str, replacements: dict[str, str]) -> list[str]:
    script = str(Path(sys.executable).parent / "temporal-review")  # the image's entrypoint
    return [script, *(replacements.get(arg, arg) for arg in SERVICES[service]["command"])]


async def test_the_compose_commands_run_against_a_real_server(
    client: Client, tmp_path: Path
) -> None:
    gateway_port, metrics_port = free_port(), free_port()
    with running_smtp() as mailbox:
        overrides = {
            "TEMPORAL_ADDRESS": client.service_client.config.target_host,
            "TEMPORAL_REVIEW_TASK_QUEUE": f"compose-{gateway_port}",
            "TEMPORAL_REVIEW_METRICS_BIND_ADDRESS": f"127.0.0.1:{metrics_port}",
            "TEMPORAL_REVIEW_NOTIFICATIONS__SMTP__HOST": "127.0.0.1",
            "TEMPORAL_REVIEW_NOTIFICATIONS__SMTP__PORT": str(mailbox.port),
        }
        worker_env = {k: str(v) for k, v in SERVICES["worker"]["environment"].items()} | overrides
        gateway_env = {k: str(v) for k, v in SERVICES["gateway"]["environment"].items()} | {
            k: v
            for k, v in overrides.items()
            if k in ("TEMPORAL_ADDRESS", "TEMPORAL_REVIEW_TASK_QUEUE")
        }
        # Loopback only on our machines; the container binds every interface.
        ports = {"0.0.0.0": "127.0.0.1", "8000": str(gateway_port)}
        url = f"http://127.0.0.1:{gateway_port}"
        agent_key = yaml.safe_load(gateway_env["TEMPORAL_REVIEW_AGENT_KEYS"])[0]["key"]
        token = yaml.safe_load(gateway_env["TEMPORAL_REVIEW_REVIEWERS"])[0]["token"]
        with (
            running(_command("worker", {}), worker_env, tmp_path / "worker.log"),
            running(_command("gateway", ports), gateway_env, tmp_path / "gateway.log") as gateway,
        ):
            wait_until_serving(f"{url}/readyz", gateway)
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                created = await http.post(
                    "/v1/reviews",
                    json={"title": "From compose", "groups": ["default"]},
                    headers={"Authorization": f"Bearer {agent_key}"},
                )
                assert created.status_code == 201, created.text
                # The worker, configured only by the compose environment, mails the reviewer.
                (mail,) = await mailbox.wait_for(1)
                assert mail["To"] == "reviewer@example.com"
                assert (
                    f"http://localhost:8000/ui/reviews/{created.json()['review_id']}?token="
                    in parts(mail)[0]
                )
                review = created.json()["review_id"]
                claimed = await http.post(
                    f"/v1/reviews/{review}/claim", headers={"Authorization": f"Bearer {token}"}
                )
                assert (
                    claimed.status_code == 200 and claimed.json()["claimed_by"] == "demo-reviewer"
                )
                assert (
                    await http.get(f"http://127.0.0.1:{metrics_port}/metrics")
                ).status_code == 200
