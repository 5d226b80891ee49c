"""What an operator watching the network sees: metrics to scrape, one id through every log, /health."""
import json
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from application.running import eventually


def scrape(url):
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return [sample for family in text_string_to_metric_families(response.text) for sample in family.samples]


def value(samples, name, **labels):
    """The value of the sample ``name`` whose labels include ``labels`` (None if there is none)."""
    return next((sample.value for sample in samples
                 if sample.name == name and labels.items() <= sample.labels.items()), None)


def json_lines(log_text):
    """The log's JSON records (the lines a process writes before logging is set up are not JSON)."""
    records = []
    for line in log_text.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    return records


def test_gateway_metrics_count_requests_by_route_template_with_latency(network):
    for code in ("kyshtym", "kopeysk"):
        assert network.api("GET", f"/api/v1/municipalities/{code}").status_code == 200
    assert network.api("GET", "/api/v1/municipalities/atlantida").status_code == 404

    samples = scrape(network.url("/metrics"))
    route = "/api/v1/municipalities/<code>"
    assert value(samples, "practice_network_http_requests_total", route=route, method="GET", status="200") >= 2
    assert value(samples, "practice_network_http_requests_total", route=route, method="GET", status="404") >= 1
    assert value(samples, "practice_network_http_request_duration_seconds_count", route=route, method="GET") >= 3
    assert value(samples, "practice_network_http_request_duration_seconds_bucket", route=route, method="GET",
                 le="+Inf") >= 3
    assert not any("kyshtym" in sample.labels.get("route", "") for sample in samples)


def test_gateway_metrics_show_how_far_the_read_model_lags_each_owner(network):
    samples = scrape(network.url("/metrics"))
    for source in ("catalog", "practices", "festivals"):
        newest = value(samples, "practice_network_event_log_position", source=source)
        read = value(samples, "practice_network_read_model_position", source=source)
        assert newest >= read >= 0
        assert value(samples, "practice_network_read_model_lag_events", source=source) == newest - read
    assert value(samples, "practice_network_event_log_position", source="catalog") > 0
    # The gateway's own event handling (its projector's, added up at /metrics): every catalog event
    # reached it through RabbitMQ.
    assert value(samples, "practice_network_events_handled_total", service="projector",
                 event="municipality_registered", outcome="ok") >= 1


def test_each_service_serves_its_rpc_and_event_metrics_and_outbox_backlog(network):
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                          json={"kind": "best_practice", "title": "Практика для метрик"})
    assert created.status_code == 201
    refused = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                          json={"kind": "best_practice", "title": ""})
    assert refused.status_code == 422

    # nameko sends the reply before its dependencies see the result, so the counters may be a moment behind
    # the answer: the scrape waits for the refused call to be counted.
    calls = {"service": "practices", "method": "create_entry"}

    def counted():
        samples = scrape(network.metrics_url("practices"))
        refusals = value(samples, "practice_network_rpc_calls_total", **calls, outcome="refused")
        return samples if refusals else None
    samples = eventually(counted)
    assert samples, "отказанный вызов create_entry не посчитан"
    assert value(samples, "practice_network_rpc_calls_total", **calls, outcome="ok") >= 1
    assert value(samples, "practice_network_rpc_duration_seconds_count", **calls) >= 2
    assert value(samples, "practice_network_outbox_backlog", service="practices") >= 0

    # The same instrumentation counts event handling: the gateway's projector's, of the event of that draft.
    handled = {"service": "projector", "event": "practice_created"}
    assert eventually(lambda: value(scrape(network.url("/metrics")), "practice_network_events_handled_total",
                                    **handled, outcome="ok"))
    assert value(scrape(network.url("/metrics")), "practice_network_event_delay_seconds_count", **handled) >= 1
    # Health probes are RPC calls too; the catalog has published everything it recorded.
    assert value(scrape(network.metrics_url("festivals")), "practice_network_rpc_calls_total",
                 service="festivals", method="ping", outcome="ok") >= 1
    assert value(scrape(network.metrics_url("catalog")), "practice_network_outbox_backlog", service="catalog") == 0


def test_one_correlation_id_follows_a_write_through_the_gateway_the_service_and_its_event(network):
    request_id = f"obs-{uuid.uuid4()}"
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", headers={"X-Request-Id": request_id},
                          json={"kind": "best_practice", "title": "Практика, которую видно в журналах"})
    assert created.status_code == 201
    assert created.headers["X-Request-Id"] == request_id

    def lines(name):
        return [record for record in json_lines(network.log(name)) if record["correlation_id"] == request_id]

    def handled_by_the_projector():
        return [record for record in lines("projector") if record["message"].startswith("event practice_created")]

    assert eventually(handled_by_the_projector, timeout=15), lines("projector")
    assert all(record["service"] == "projector" for record in lines("projector"))
    gateway = lines("gateway")
    assert any("POST /api/v1/practices" in record["message"] for record in gateway)
    assert all(record["service"] == "gateway" for record in gateway)
    practices = lines("practices")
    assert any(record["message"].startswith("rpc create_entry ok") for record in practices), practices
    assert {record["service"] for record in practices} == {"practices"}


def test_a_request_without_an_id_gets_one_and_a_malformed_id_is_refused(network):
    given = network.api("GET", "/api/v1/municipalities")
    assert len(given.headers["X-Request-Id"]) == 32
    assert given.headers["X-Request-Id"] != network.api("GET", "/api/v1/municipalities").headers["X-Request-Id"]

    refused = network.api("GET", "/api/v1/municipalities", headers={"X-Correlation-Id": "two words; <script>"})
    assert refused.status_code == 422
    assert "X-Request-Id" in refused.json()["error"]["fields"]


def test_health_tells_a_service_whose_database_is_down_from_a_service_that_is_down(network):
    if network.backend != "postgresql":
        pytest.skip("an open SQLite file cannot be taken away from a running process")
    with network.database_refusing_connections("festivals"):
        status, body = health(network)
        assert status == 503
        assert body["services"]["festivals"] == "ok"
        assert body["databases"]["festivals"] == "unavailable"
        assert body["databases"]["practices"] == "ok" and body["broker"] == "ok"
        assert "база данных сервиса «festivals» недоступна" in body["message"]
    assert eventually(lambda: health(network)[0] == 200, timeout=30), health(network)


def health(network):
    response = network.api("GET", "/health")
    return response.status_code, response.json()
