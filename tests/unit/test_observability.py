"""The parts of metrics, logs and /health that need no network: what a broken broker or database
looks like in /health, log lines as JSON, read-model lag."""
import json
import logging
import sys

from prometheus_client import REGISTRY

from application.running import free_port
from services.gateway import health
from shared import logs
from shared.metrics import record_read_model_lag

ALL_ANSWER = {name: {"status": "ok", "database": "ok"} for name in ("catalog", "practices", "festivals")}


def test_a_broker_that_cannot_be_reached_is_reported_unavailable():
    assert health.broker_status(f"pyamqp://guest:guest@127.0.0.1:{free_port()}//") == "unavailable"


def test_without_the_broker_health_names_it_and_does_not_call_the_services_down():
    healthy, body = health.report("unavailable", dict.fromkeys(ALL_ANSWER), "ok", "ok")
    assert not healthy and body["status"] == "degraded"
    assert body["services"] == {"catalog": "unknown", "practices": "unknown", "festivals": "unknown"}
    assert body["message"] == "Сеть работает не полностью: брокер сообщений RabbitMQ недоступен"


def test_health_tells_a_silent_service_from_one_whose_database_is_down():
    replies = {**ALL_ANSWER, "festivals": None, "practices": {"status": "ok", "database": "unavailable"}}
    healthy, body = health.report("ok", replies, "unavailable", "ok")
    assert not healthy
    assert body["services"] == {"catalog": "ok", "practices": "ok", "festivals": "unavailable"}
    assert body["databases"] == {"catalog": "ok", "practices": "unavailable", "festivals": "unknown",
                                 "gateway": "unavailable"}
    assert body["message"] == ("Сеть работает не полностью: сервис «festivals» не отвечает; база данных сервиса "
                               "«practices» недоступна; база данных шлюза недоступна")


def test_everything_answering_is_healthy_without_a_message():
    assert health.report("ok", ALL_ANSWER, "ok", "ok") == (True, {
        "status": "ok", "broker": "ok", "services": dict.fromkeys(ALL_ANSWER, "ok"),
        "databases": {**dict.fromkeys(ALL_ANSWER, "ok"), "gateway": "ok"}, "read_model": "ok", "projector": "ok"})
    healthy, body = health.report("ok", ALL_ANSWER, "ok", "catching_up")
    assert not healthy and body["message"].endswith("модель чтения ещё догоняет журналы событий")
    healthy, body = health.report("ok", ALL_ANSWER, "ok", "ok", "unavailable")
    assert not healthy and body["projector"] == "unavailable" and "projector" in body["message"]


def test_a_log_record_is_one_json_object_with_the_correlation_id_and_the_exception():
    record = logging.LogRecord("shared.test", logging.ERROR, __file__, 1, "сбой %s", ("записи",), None)
    try:
        raise ValueError("плохо")
    except ValueError:
        record.exc_info = sys.exc_info()
    token = logs.correlation_id.set("req-42")
    try:
        line = logs.JsonFormatter().format(record)
    finally:
        logs.correlation_id.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "сбой записи" and entry["level"] == "ERROR" and entry["logger"] == "shared.test"
    assert entry["correlation_id"] == "req-42"
    assert "ValueError: плохо" in entry["exception"]


def test_an_expected_refusal_is_logged_without_its_traceback_and_an_unexpected_error_with_it():
    def record(message):
        entry = logging.LogRecord("nameko.containers", logging.WARNING, __file__, 1, message, ("w", "e"), None)
        try:
            raise ValueError("мест нет")
        except ValueError:
            entry.exc_info = sys.exc_info()
        return entry

    brief = logs.ExpectedErrorsWithoutTraceback()
    refused, failed = record("(expected) error handling worker %s: %s"), record("error handling worker %s: %s")
    assert brief.filter(refused) and brief.filter(failed)
    assert "exception" not in json.loads(logs.JsonFormatter().format(refused))
    assert "ValueError: мест нет" in json.loads(logs.JsonFormatter().format(failed))["exception"]


def test_read_model_lag_is_the_owners_newest_position_less_the_one_read():
    record_read_model_lag({"catalog": 7, "practices": 90}, {"catalog": 7, "practices": 100})
    lag = {source: REGISTRY.get_sample_value("practice_network_read_model_lag_events", {"source": source})
           for source in ("catalog", "practices")}
    assert lag == {"catalog": 0, "practices": 10}
