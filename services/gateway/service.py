from nameko import config
from nameko.events import event_handler
from nameko.timer import timer

from services.catalog.schemas import (
    AccountSchema, CredentialsSchema, MunicipalitySchema, NewAccountSchema, OrganizationQuery,
)
from services.gateway import directory, projections
from services.gateway.health import check_services
from services.gateway.http import json_response, read_json, read_query, route
from services.gateway.openapi import build_spec
from services.gateway.schemas import HealthSchema, OrganizationViewSchema, TokenSchema
from shared.auth import Identity, issue_token
from shared.compat import ClusterRpc, ServiceRpc
from shared.db import Database
from shared.schemas import page_of, page_schema

HEALTH_TIMEOUT = config.get("HEALTH_TIMEOUT_SECONDS", 2)


class GatewayService:
    name = "gateway"

    read_model = Database("gateway")
    catalog = ServiceRpc("catalog")
    # Health probes expire in the queue of a stopped service instead of piling up there.
    probes = ClusterRpc(expiration=HEALTH_TIMEOUT)
    replay = ClusterRpc()

    @route("GET", "/health", "Состояние сервисов сети", "Служебное", response=HealthSchema)
    def health(self, request):
        services = check_services(self.probes, HEALTH_TIMEOUT)
        read_model = "ok" if projections.caught_up(self.read_model) else "catching_up"
        healthy = read_model == "ok" and all(status == "ok" for status in services.values())
        body = {"status": "ok" if healthy else "degraded", "services": services, "read_model": read_model}
        return json_response(body, 200 if healthy else 503)

    @route("GET", "/api/v1/openapi.json", "Описание API (OpenAPI 3)", "Служебное")
    def openapi(self, request):
        return json_response(build_spec())

    @route("POST", "/api/v1/auth/token", "Получить токен доступа", "Доступ",
           body=CredentialsSchema, response=TokenSchema)
    def issue_token(self, request):
        identity = Identity(**self.catalog.authenticate(read_json(request, CredentialsSchema())))
        ttl = config["TOKEN_TTL_SECONDS"]
        token = issue_token(identity, config["JWT_SECRET"], ttl)
        return json_response(TokenSchema().dump({
            "access_token": token, "token_type": "bearer", "expires_in": ttl, "user": identity.as_dict()}))

    @route("POST", "/api/v1/accounts", "Создать учётную запись (администратор)", "Доступ",
           body=NewAccountSchema, response=AccountSchema, status=201, auth=True)
    def create_account(self, request):
        account = self.catalog.create_account(read_json(request, NewAccountSchema()))
        return json_response(account, 201)

    @route("GET", "/api/v1/municipalities", "Муниципалитеты сети", "Справочник",
           response=MunicipalitySchema(many=True))
    def municipalities(self, request):
        with self.read_model() as session:
            return json_response(MunicipalitySchema(many=True).dump(directory.municipalities(session)))

    @route("GET", "/api/v1/municipalities/<code>", "Муниципалитет", "Справочник",
           response=MunicipalitySchema)
    def municipality(self, request, code):
        with self.read_model() as session:
            return json_response(MunicipalitySchema().dump(directory.municipality(session, code)))

    @route("GET", "/api/v1/organizations", "Организации", "Справочник",
           query=OrganizationQuery, response=page_schema(OrganizationViewSchema))
    def organizations(self, request):
        query = read_query(request, OrganizationQuery())
        with self.read_model() as session:
            items, total = directory.organizations(session, **query)
            return json_response(page_of(OrganizationViewSchema(many=True).dump(items), total,
                                         query["page"], query["per_page"]))

    @event_handler("catalog", "municipality_registered")
    def on_municipality_registered(self, payload):
        projections.project(self.read_model, "municipality_registered", payload)

    @event_handler("catalog", "organization_registered")
    def on_organization_registered(self, payload):
        projections.project(self.read_model, "organization_registered", payload)

    @timer(interval=config.get("READ_MODEL_CATCH_UP_SECONDS", 5), eager=True)
    def catch_up(self):
        """Fill in whatever the read model missed, from the owners' event logs."""
        projections.catch_up(self.read_model, self._fetch_events)

    def _fetch_events(self, source, after):
        return getattr(self.replay, source).replay_events(after, projections.REPLAY_PAGE)
